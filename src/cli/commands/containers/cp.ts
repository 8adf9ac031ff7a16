/**
 * `cp CONTAINER:SRC DEST` and `cp SRC CONTAINER:DEST` with docker's rules: into an existing
 * directory the source keeps its name; otherwise it takes the destination's name (a directory
 * is created with the source's contents); `SRC/.` copies a directory's contents; `-` is a tar
 * stream on stdin or stdout. The tar work is in cp-extract.ts and cp-pack.ts (loaded lazily).
 */
import type { Command } from 'commander';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { ForgeError, isForgeError } from '../../../errors';
import type { ApiClient } from '../../../api/client';
import type { CliContext } from '../../context';
import type { PathStat } from '../../../config/api-types';
import { containerPath } from './paths';

/** `ctr:/path` → container and path; a local path (absolute, or ./ ../) never is one. */
export function splitCpArg(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const colon = arg.indexOf(':');
  return colon <= 0 ? { path: arg } : { container: arg.slice(0, colon), path: arg.slice(colon + 1) || '/' };
}

/** Docker sends Go's FileMode (directory bit 1<<31); a unix st_mode also works. */
export function isDirMode(mode: number): boolean {
  return mode >>> 0 >= 0x80000000 || (mode & 0o170000) === 0o040000;
}

function statHeader(res: IncomingMessage): PathStat | undefined {
  const raw = res.headers['x-docker-container-path-stat'];
  if (typeof raw !== 'string' || !raw) return undefined;
  return JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as PathStat;
}

// Required on use, keeping tar-stream out of every other command's start-up.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadExtract = () => require('./cp-extract') as typeof import('./cp-extract');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadPack = () => require('./cp-pack') as typeof import('./cp-pack');

const endsInDot = (p: string) => p === '.' || p.endsWith('/.');
const endsInSlash = (p: string) => p.endsWith('/');

async function fromContainer(ctx: CliContext, client: ApiClient, container: string, src: string, dst: string): Promise<void> {
  const res = await client.request('GET', containerPath(container, '/archive'), { query: { path: src } });
  if (dst === '-') {
    // A reader that stops after the end-of-archive blocks (tar -t) is not a failure.
    return pipeline(res, ctx.out).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  const srcIsDir = isDirMode(statHeader(res)?.mode ?? 0);
  const { extractInto } = loadExtract();
  const warn = (m: string) => ctx.err.write(`Warning: ${m}\n`);
  const dstStat = await fs.stat(dst).catch(() => undefined);
  try {
    if (dstStat?.isDirectory()) {
      // Into a directory: keep the source's name, or its contents for SRC/.
      return await extractInto(res, dst, (top) => (endsInDot(src) && srcIsDir ? '' : top), warn);
    }
    if (dstStat && srcIsDir) throw new ForgeError('InvalidArgument', `cannot copy a directory to the file ${dst}`);
    if (!dstStat && endsInSlash(dst) && !srcIsDir) throw new ForgeError('NotFound', `destination directory ${dst} does not exist`);
    const parent = path.dirname(path.resolve(dst));
    if (!(await fs.stat(parent).catch(() => undefined))?.isDirectory()) throw new ForgeError('NotFound', `destination directory ${parent} does not exist`);
    await extractInto(res, parent, () => path.basename(path.resolve(dst)), warn);
  } finally {
    res.destroy();
  }
}

async function containerStat(client: ApiClient, container: string, p: string): Promise<PathStat | undefined> {
  try {
    const res = await client.request('HEAD', containerPath(container, '/archive'), { query: { path: p } });
    res.resume();
    return statHeader(res);
  } catch (err) {
    if (isForgeError(err, 'NotFound')) return undefined;
    throw err;
  }
}

async function toContainer(ctx: CliContext, client: ApiClient, src: string, container: string, dst: string): Promise<void> {
  const put = async (dir: string, upload: Readable) => {
    const res = await client.request('PUT', containerPath(container, '/archive'), { query: { path: dir }, upload });
    res.resume();
  };
  if (src === '-') return put(dst, process.stdin);
  const srcStat = await fs.lstat(src).catch((err: unknown) => {
    throw new ForgeError('NotFound', `no such file or directory: ${src}`, { cause: err });
  });
  const { packPath } = loadPack();
  const warn = (m: string) => ctx.err.write(`Warning: ${m}\n`);
  const target = path.posix.resolve('/', dst);
  const dstStat = await containerStat(client, container, target);
  if (dstStat && isDirMode(dstStat.mode)) {
    const contents = endsInDot(src) && srcStat.isDirectory();
    return put(target, packPath(path.resolve(src), contents ? '' : path.basename(path.resolve(src)), warn));
  }
  if (dstStat && srcStat.isDirectory()) throw new ForgeError('InvalidArgument', `cannot copy a directory to the file ${container}:${dst}`);
  if (!dstStat && endsInSlash(dst) && !srcStat.isDirectory()) throw new ForgeError('NotFound', `destination directory ${container}:${dst} does not exist`);
  await put(path.posix.dirname(target), packPath(path.resolve(src), path.posix.basename(target), warn));
}

async function cpAction(ctx: CliContext, srcArg: string, dstArg: string): Promise<void> {
  const src = splitCpArg(srcArg);
  const dst = splitCpArg(dstArg);
  if (src.container && dst.container) throw new ForgeError('InvalidArgument', 'copying between containers is not supported');
  if (!src.container && !dst.container) throw new ForgeError('InvalidArgument', 'one of source or destination must be CONTAINER:PATH');
  const client = await ctx.client();
  if (src.container) await fromContainer(ctx, client, src.container, src.path, dst.path);
  else await toContainer(ctx, client, src.path, dst.container!, dst.path);
}

export function registerCp(parent: Command, ctx: CliContext): void {
  parent
    .command('cp <src> <dest>')
    .description('copy files between a container and the local filesystem (CONTAINER:PATH; - is a tar on stdin/stdout)')
    .action((src: string, dest: string) => cpAction(ctx, src, dest));
}
