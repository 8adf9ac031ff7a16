/**
 * The local side of `cp` into a container: a local file or directory as a tar stream for
 * PUT /archive. Symlinks are archived as links (never followed), special files skipped; the
 * top-level name is chosen by the caller (or '' to archive a directory's contents).
 */
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';

export function packPath(source: string, top: string, warn: (message: string) => void): Readable {
  const pack = tar.pack();
  const add = async (abs: string, name: string): Promise<void> => {
    const st = await fs.lstat(abs);
    const base = { name, mode: st.mode & 0o7777, mtime: st.mtime, uid: st.uid, gid: st.gid };
    if (st.isDirectory()) {
      if (name) pack.entry({ ...base, name: `${name}/`, type: 'directory' });
      for (const child of (await fs.readdir(abs)).sort()) await add(path.join(abs, child), name ? `${name}/${child}` : child);
    } else if (st.isSymbolicLink()) {
      pack.entry({ ...base, type: 'symlink', linkname: await fs.readlink(abs) });
    } else if (st.isFile()) {
      const sink = pack.entry({ ...base, type: 'file', size: st.size });
      await new Promise<void>((resolve, reject) => {
        createReadStream(abs).on('error', reject).pipe(sink);
        sink.on('finish', resolve).on('error', reject);
      });
    } else {
      warn(`skipped ${abs}: not a regular file, directory or symbolic link`);
    }
  };
  add(source, top).then(
    () => pack.finalize(),
    (err: unknown) => pack.destroy(err as Error),
  );
  // tar-stream's typings declare their own async iterator; at run time a Pack is a Readable.
  return pack as unknown as Readable;
}
