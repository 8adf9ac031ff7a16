/**
 * `cp`'s daemon side (Docker's archive API): stat a path in a container, read it as a tar, and
 * extract a tar into a directory. Paths resolve as inside the container (symlinks never lead
 * out of the rootfs); extraction goes through the layer unpacker's safe writer into a staging
 * dir inside the rootfs, then entries are moved into place.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { ForgeError } from '../../errors';
import { containerPaths } from '../../config/paths';
import { resolveInRoot } from '../../fs/volumes/scoped-path';
import { unpackLayer } from '../../fs/unpack/unpack';
import { LinuxSpecialFiles } from '../../fs/linux/special-files';
import type { RuntimeContext } from '../context';
import { findContainer, type Container } from './find-container';
import { ensureMounted } from './start';

export interface PathStat {
  name: string;
  size: number;
  /** Go's FileMode, as Docker clients expect: permission bits, 1<<31 for a directory, 1<<27 for a symlink. */
  mode: number;
  mtime: string;
  linkTarget: string;
}

async function rootfsOf(rt: RuntimeContext, c: Container): Promise<string> {
  if (c.state.status === 'removing') throw new ForgeError('Conflict', `container ${c.record.name} is being removed`);
  await ensureMounted(rt, c);
  return containerPaths(rt.paths, c.record.id).rootfs;
}

export async function statPath(rt: RuntimeContext, input: string, containerPath: string): Promise<PathStat> {
  const c = findContainer(rt, input);
  const rootfs = await rootfsOf(rt, c);
  const host = await resolveInRoot(rootfs, containerPath);
  const st = await fs.lstat(host).catch(() => {
    throw new ForgeError('NotFound', `Could not find the file ${containerPath} in container ${c.record.name}`);
  });
  const goMode = (st.mode & 0o777) + (st.isDirectory() ? 0x80000000 : 0) + (st.isSymbolicLink() ? 0x8000000 : 0);
  return {
    name: path.posix.basename(containerPath) || '/',
    size: st.size,
    mode: goMode,
    mtime: st.mtime.toISOString(),
    linkTarget: st.isSymbolicLink() ? await fs.readlink(host) : '',
  };
}

/** A tar of the path (a directory recursively; symlinks as links, never followed). */
export async function readArchive(rt: RuntimeContext, input: string, containerPath: string): Promise<{ stat: PathStat; stream: Readable }> {
  const stat = await statPath(rt, input, containerPath);
  const c = findContainer(rt, input);
  const host = await resolveInRoot(await rootfsOf(rt, c), containerPath);
  const pack = tar.pack();
  const name = path.posix.basename(path.posix.resolve('/', containerPath)) || '.';
  addEntry(pack, host, name)
    .then(() => pack.finalize())
    .catch((err: unknown) => pack.destroy(err as Error));
  return { stat, stream: pack as unknown as Readable };
}

async function addEntry(pack: tar.Pack, file: string, name: string): Promise<void> {
  const st = await fs.lstat(file);
  const base = { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
  if (st.isSymbolicLink()) {
    await entry(pack, { ...base, type: 'symlink', linkname: await fs.readlink(file) });
  } else if (st.isDirectory()) {
    await entry(pack, { ...base, type: 'directory' });
    for (const child of (await fs.readdir(file)).sort()) await addEntry(pack, path.join(file, child), `${name}/${child}`);
  } else if (st.isFile()) {
    const stream = pack.entry({ ...base, type: 'file', size: st.size });
    await pipeline(createReadStream(file), stream);
  }
  // Devices, fifos and sockets are not copied out (Docker skips them too).
}

function entry(pack: tar.Pack, header: Parameters<tar.Pack['entry']>[0]): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header, (err) => (err ? reject(err) : resolve())));
}

/** Extracts a tar into a directory of the container (which must exist). */
export async function writeArchive(rt: RuntimeContext, input: string, containerDir: string, body: Readable): Promise<void> {
  const c = findContainer(rt, input);
  const rootfs = await rootfsOf(rt, c);
  const dest = await resolveInRoot(rootfs, containerDir);
  const st = await fs.stat(dest).catch(() => undefined);
  if (!st?.isDirectory()) throw new ForgeError('NotFound', `Could not find the directory ${containerDir} in container ${c.record.name}`);
  const dir = containerPaths(rt.paths, c.record.id).dir;
  const blob = path.join(dir, `cp-upload-${randomBytes(6).toString('hex')}.tar`);
  const staging = path.join(rootfs, `.forgeone-cp-${randomBytes(6).toString('hex')}`);
  try {
    await pipeline(body, createWriteStream(blob, { mode: 0o600 }));
    await fs.mkdir(staging, { mode: 0o700 });
    await unpackLayer(blob, 'application/vnd.oci.image.layer.v1.tar', staging, { special: new LinuxSpecialFiles() });
    await mergeInto(staging, dest);
  } finally {
    await fs.rm(blob, { force: true });
    await fs.rm(staging, { recursive: true, force: true });
  }
  rt.events.publish('/containers/copy', c.record.id, { path: containerDir });
}

/** Moves staged entries into place: directories merge, anything else replaces what is there. */
async function mergeInto(from: string, to: string): Promise<void> {
  for (const name of await fs.readdir(from)) {
    const src = path.join(from, name);
    const dst = path.join(to, name);
    const s = await fs.lstat(src);
    const d = await fs.lstat(dst).catch(() => undefined);
    if (s.isDirectory() && d?.isDirectory()) {
      await mergeInto(src, dst);
      continue;
    }
    if (d) await fs.rm(dst, { recursive: true, force: true });
    await fs.rename(src, dst);
  }
}
