/**
 * Connects the CLI to a daemon, starting one in the background when none answers, so a new
 * user never has to. The daemon is detached (its own session) and logs to <runroot>/daemon.log.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../errors';
import { ApiClient } from '../api/client';
import type { CliSettings } from './settings';

const START_TIMEOUT_MS = 30_000;

/**
 * Node options of the daemon process, each measured side by side with 100 idle containers
 * (bench/daemon-memory.ts; figures in bench/README.md, "Daemon memory"), none with a measurable
 * cost in daemon CPU per container start:
 * - `--max-semi-space-size=2`: V8's default young generation grows to 16 MB per semi-space under
 *   a burst of requests and its pages stay resident (~25 MB).
 * - `--liftoff-only`: the only WebAssembly the daemon runs is undici's HTTP parser (llhttp),
 *   whose tier-up to TurboFan took ~30 MB of compiler memory that malloc then kept (~10 MB of
 *   RSS); the baseline compiler parses registry responses fast enough. Containers' WASM runs in
 *   host processes with flags of their own (engine/wasm/launch.ts).
 * - `--v8-pool-size=1`: one V8 background thread instead of 4 (each held ~1.5 MB of stack and
 *   malloc arena); the daemon's JavaScript is not compute-bound, and the host may have 2 cores.
 * - `--heap-growing-percent=25`: the old generation's next GC limit is 25 % above what survived
 *   the last one, instead of V8's up-to-4× for small heaps, so a burst of requests leaves less
 *   garbage resident until the idle-time GC (~4 MB after 100 container starts).
 * Whoever starts `forgeone daemon` by other means (a service unit) should pass the same.
 */
export const DAEMON_NODE_OPTIONS = ['--max-semi-space-size=2', '--liftoff-only', '--v8-pool-size=1', '--heap-growing-percent=25'];

/** Which DAEMON_NODE_OPTIONS a process lacks, given its `process.execArgv` and NODE_OPTIONS. */
export function missingDaemonOptions(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)]);
  return DAEMON_NODE_OPTIONS.filter((o) => !given.has(o));
}

export async function connect(settings: CliSettings, entryScript: string): Promise<ApiClient> {
  const client = new ApiClient(settings.socket);
  if (await client.listening()) return client;
  if (!settings.autostart) {
    throw new ForgeError('Unavailable', `cannot connect to the ForgeOne daemon at ${settings.socket}`, {
      hint: 'start it with `forgeone daemon`',
    });
  }
  await startDaemon(settings, entryScript, client);
  return client;
}

async function startDaemon(settings: CliSettings, entryScript: string, client: ApiClient): Promise<void> {
  mkdirSync(settings.runroot, { recursive: true, mode: 0o711 });
  const logFile = path.join(settings.runroot, 'daemon.log');
  const log = openSync(logFile, 'a', 0o600);
  // Global options go before the command (the CLI parses options positionally, like docker).
  const args = [...DAEMON_NODE_OPTIONS, entryScript, '--root', settings.root, '--runroot', settings.runroot];
  if (settings.config) args.push('--config', settings.config);
  args.push('daemon');
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env: daemonEnv(process.env) });
  closeSync(log);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();
  process.stderr.write(`forgeone: no daemon was running; started one (pid ${child.pid}, log ${logFile})\n`);

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await client.ping(1000)) return;
    if (exited !== undefined) {
      // Another CLI may have started a daemon at the same moment; ours then lost the lock race
      // and the winner may still be starting: wait for it a little before giving up.
      const lostRace = /another ForgeOne daemon/.test(tail(logFile));
      const until = Math.min(deadline, Date.now() + (lostRace ? 15_000 : 1000));
      while (Date.now() < until) {
        if (await client.ping(1000)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new ForgeError('Unavailable', `the daemon exited during start-up (code ${exited})`, {
        hint: `see ${logFile}:\n${tail(logFile)}`,
      });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new ForgeError('Unavailable', `the daemon did not answer within ${START_TIMEOUT_MS / 1000}s`, { hint: `see ${logFile}` });
}

/**
 * The daemon gets back the NODE_EXTRA_CA_CERTS the launcher took from the CLI (bin/forgeone.ts):
 * it talks TLS to registries, and Node reads that variable only when a process starts.
 */
export function daemonEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORGEONE_NODE_EXTRA_CA_CERTS: handedOver, ...rest } = env;
  return handedOver && !rest.NODE_EXTRA_CA_CERTS ? { ...rest, NODE_EXTRA_CA_CERTS: handedOver } : rest;
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}
