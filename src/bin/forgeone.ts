#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS FORGEONE_NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
/**
 * The `forgeone` command's launcher. Every CLI command is a new Node process, so what it costs
 * before the first request is paid by every `forgeone run` (bench/README.md has the profiles):
 *
 * - The shebang drops NODE_EXTRA_CA_CERTS: Node parses that CA file at the start of every process
 *   (~35 ms for the system bundle some hosts point it at), and the CLI never speaks TLS. Its value
 *   travels on as FORGEONE_NODE_EXTRA_CA_CERTS for the daemon, which does (cli/autostart.ts,
 *   registry/distribution/transport.ts).
 * - It runs the CLI from one bundled file (scripts/bundle-cli.mjs) with V8's code cache kept next
 *   to it: no module resolution and almost no compilation (~15 ms less per command).
 *
 * Without a bundle at least as new as this file (a plain `tsc` build), it runs the compiled tree.
 * So does `forgeone daemon`: the daemon's modules are the compiled tree's, and a bundled CLI would
 * bring second copies of the classes they share (ForgeError: `instanceof` would fail across them).
 * Any argument `daemon` (`run --name daemon …` too) takes that path, which is only slower.
 */
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Script } from 'node:vm';

const BUNDLE = path.join(__dirname, 'forgeone.bundle.js');
/** The cache belongs to one Node build (V8 rejects another's, and then it is written again). */
const CODE_CACHE = `${BUNDLE}.${process.version}-${process.arch}.cache`;

function mtimeOf(file: string): number | undefined {
  return statSync(file, { throwIfNoEntry: false })?.mtimeMs;
}

function runBundle(): boolean {
  if (process.argv.includes('daemon')) return false;
  const bundled = mtimeOf(BUNDLE);
  if (bundled === undefined || bundled < (mtimeOf(__filename) ?? Infinity)) return false;
  const cached = mtimeOf(CODE_CACHE);
  const cachedData = cached !== undefined && cached >= bundled ? readFileSync(CODE_CACHE) : undefined;
  // The same wrapper Node gives a CommonJS module, compiled with the cache.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(BUNDLE, 'utf8')}\n})`, {
    filename: BUNDLE,
    cachedData,
  });
  // Written at exit, when this run has compiled what a command needs. Not by a node started with
  // flags (the daemon): V8 ties a cache to some flags, and the CLI's is the one worth keeping.
  if ((!cachedData || script.cachedDataRejected) && process.execArgv.length === 0) {
    process.once('exit', () => writeCodeCache(script));
  }
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(BUNDLE), module, BUNDLE, __dirname);
  return true;
}

/** Best effort: a user who cannot write here (not root) runs without a cache. */
function writeCodeCache(script: Script): void {
  const tmp = `${CODE_CACHE}.${process.pid}`;
  try {
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, CODE_CACHE);
  } catch {
    rmSync(tmp, { force: true });
  }
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the unbundled CLI, loaded only when there is no bundle
if (!runBundle()) require('./cli-entry');
