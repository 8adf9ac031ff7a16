/**
 * `forgeone wasm build FILE.wasm -t NAME`: packages a WebAssembly module as an OCI image (the
 * module as an `application/wasm` layer, config os wasip1 / arch wasm; config/wasm-image.ts) and
 * loads it into the daemon's store through the ordinary `load` route, so `push`, `save`, `run`
 * and `rmi` treat it like any image. `run ./module.wasm` does the same on the fly
 * (`localWasmImage`), naming the image `localhost/wasm/<file name>:<digest prefix>`.
 */
import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type * as TarStream from 'tar-stream';
import { ForgeError, fromErrno } from '../../errors';
import type { LoadResult } from '../../config/api-types';
import { buildWasmArtifact, describeHead, hasWasmMagic } from '../../config/wasm-image';
import { formatReference, parseReference } from '../../registry/reference';
import type { CliContext } from '../context';

async function readModule(file: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw fromErrno(err, `cannot read ${file}`) ?? err;
  }
  if (!hasWasmMagic(bytes)) {
    throw new ForgeError('InvalidArgument', `${file} is not a WebAssembly module: ${describeHead(bytes)}`, {
      hint: 'build it for wasm32-wasi (e.g. clang --target=wasm32-wasi, or cargo build --target wasm32-wasip1)',
      details: { reason: 'not-wasm' },
    });
  }
  return bytes;
}

/** The OCI archive (a tarred OCI layout) of one module image named `name`. */
async function archiveOf(module: Buffer, name: string, entrypoint: string): Promise<Buffer> {
  const art = buildWasmArtifact(module, { entrypoint });
  // Loaded here, not at the top: `run` imports this module and must start fast (bench/README.md).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tar = (require('tar-stream') as typeof TarStream).pack();
  const chunks: Buffer[] = [];
  tar.on('data', (c: unknown) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    tar.on('end', resolve);
    tar.on('error', reject);
  });
  const index = { schemaVersion: 2, manifests: [{ ...art.manifest, annotations: { 'org.opencontainers.image.ref.name': name } }] };
  tar.entry({ name: 'oci-layout' }, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  tar.entry({ name: 'index.json' }, JSON.stringify(index));
  for (const [digest, bytes] of art.blobs) tar.entry({ name: `blobs/sha256/${digest.slice(7)}` }, bytes);
  tar.finalize();
  await ended;
  return Buffer.concat(chunks);
}

async function load(ctx: CliContext, archive: Buffer): Promise<LoadResult | undefined> {
  const client = await ctx.client();
  let result: LoadResult | undefined;
  for await (const event of client.progress('POST', '/v1/images/load', { upload: Readable.from([archive]) })) {
    if (event.aux) result = event.aux as unknown as LoadResult;
  }
  return result;
}

async function buildAction(ctx: CliContext, file: string, opts: { tag: string; entrypoint?: string }): Promise<void> {
  const module = await readModule(file);
  const name = formatReference(parseReference(opts.tag));
  const entrypoint = `/${(opts.entrypoint ?? path.basename(file)).replace(/^\/+/, '')}`;
  await load(ctx, await archiveOf(module, name, entrypoint));
  ctx.out.write(`${name}\n`);
}

/**
 * A `run`/`create` image argument naming a local .wasm file becomes an image loaded from it; any
 * other argument is returned as it is.
 */
export async function localWasmImage(ctx: CliContext, arg: string): Promise<string> {
  const looksLocal = /^(\.{1,2})?\//.test(arg);
  if (!looksLocal && !arg.endsWith('.wasm')) return arg;
  const st = await fs.stat(arg).catch(() => undefined);
  if (!st?.isFile()) {
    if (looksLocal) throw new ForgeError('InvalidArgument', `no such file: ${arg}`, { details: { reason: 'not-found' } });
    return arg;
  }
  const module = await readModule(arg);
  const base = path.basename(arg, '.wasm').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'module';
  const name = formatReference(parseReference(`localhost/wasm/${base}:${createHash('sha256').update(module).digest('hex').slice(0, 12)}`));
  await load(ctx, await archiveOf(module, name, `/${path.basename(arg)}`));
  return name;
}

export function registerWasmCommands(program: Command, ctx: CliContext): void {
  const wasm = program.command('wasm').description('WebAssembly modules as images');
  wasm
    .command('build <file>')
    .description('package a .wasm module as an OCI image (push it with `forgeone push`)')
    .requiredOption('-t, --tag <name>', 'image name, e.g. 127.0.0.1:5000/hello:latest')
    .option('--entrypoint <name>', 'the module\'s name inside the image (default: the file name)')
    .action((file: string, opts: { tag: string; entrypoint?: string }) => buildAction(ctx, file, opts));
}
