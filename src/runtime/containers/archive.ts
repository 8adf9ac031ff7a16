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
import type { RuntimeSpec } from '../../config/runtime-spec';
import type { PathStat } from '../../config/api-types';

async function rootfsOf(rt: RuntimeContext, c: Container): Promise<string> {
  if (c.state.status === 'removing') throw new ForgeError('Conflict', `container ${c.record.name} is being removed`);
  await ensureMounted(rt, c);
  return containerPaths(rt.paths, c.record.id).rootfs;
}

/**
 * Where a container path lives on the host. Bind mounts (volumes, binds, /etc/hosts and friends)
 * are not in the rootfs seen from the host: a path under a bind's destination resolves inside
 * the bind's source instead (the longest destination wins, as in the container's mount table).
 */
async function hostPathOf(rt: RuntimeContext, c: Container, containerPath: string): Promise<string> {
  const rootfs = await rootfsOf(rt, c);
  const wanted = path.posix.resolve('/', containerPath);
  let spec: RuntimeSpec | undefined;
  try {
    spec = JSON.parse(await fs.readFile(containerPaths(rt.paths, c.record.id).specFile, 'utf8')) as RuntimeSpec;
  } catch {
    spec = undefined;
  }
  const binds = (spec?.mounts ?? [])
    .filter((m) => m.source && (m.type === 'bind' || m.options?.includes('bind') || m.options?.includes('rbind')))
    .sort((a, b) => b.destination.length - a.destination.length);
  for (const m of binds) {
    const dest = m.destination.replace(/\/+$/, '') || '/';
    if (wanted !== dest && !wanted.startsWith(`${dest}/`)) continue;
    const rest = wanted.slice(dest.length);
    const st = await fs.stat(m.source!).catch(() => undefined);
    if (!st) break;
    return rest ? resolveInRoot(m.source!, rest) : m.source!;
  }
  return resolveInRoot(rootfs, containerPath);
}

export async function statPath(rt: RuntimeContext, input: string, containerPath: string): Promise<PathStat> {
  const c = findContainer(rt, input);
  const host = await hostPathOf(rt, c, containerPath);
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
  const host = await hostPathOf(rt, c, containerPath);
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
  const dest = await hostPathOf(rt, c, containerDir);
  const st = await fs.stat(dest).catch(() => undefined);
  if (!st?.isDirectory()) throw new ForgeError('NotFound', `Could not find the directory ${containerDir} in container ${c.record.name}`);
  const dir = containerPaths(rt.paths, c.record.id).dir;
  const blob = path.join(dir, `cp-upload-${randomBytes(6).toString('hex')}.tar`);
  // Staged inside the destination itself: same filesystem (a volume or bind is another one than
  // the rootfs), so entries move into place with a rename.
  const staging = path.join(dest, `.forgeone-cp-${randomBytes(6).toString('hex')}`);
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
