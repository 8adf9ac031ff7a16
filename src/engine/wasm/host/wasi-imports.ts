/**
 * The imports a module gets: node:wasi's preview 1 functions, with these changes.
 *  - fd_write to 1 and 2 goes to the container log (log-writer.ts) instead of the host's stdio;
 *    fd_read from 0 comes from the task's stdin FIFO when it has one (else /dev/null).
 *  - Every path_* call is checked first (path-check.ts): no path leaves its preopen, and a
 *    read-only preopen refuses writes with EROFS (node:wasi has no read-only preopens).
 *  - Directory fds are tracked (path_open, fd_renumber, fd_close) so each path is resolved from
 *    the right directory. Preopens take fds 3, 4, … in the order they were given (uvwasi's rule).
 */
import { realpathSync, statSync } from 'node:fs';
import type { Preopen } from '../task-config';
import { ERRNO, resolveBeneath, symlinkTargetAllowed, type DirHandle } from './path-check';
import type { LogWriter } from './log-writer';

type Fn = (...args: Array<number | bigint>) => number;
type WasiFns = Record<string, Fn>;

const OFLAG_CREAT = 1;
const OFLAG_TRUNC = 8;
const LOOKUP_FOLLOW = 1;
// fd_datasync, fd_write, fd_allocate, fd_filestat_set_size: the rights of writing a file.
const WRITE_RIGHTS = (1n << 0n) | (1n << 6n) | (1n << 8n) | (1n << 22n);

export interface GuardedImports {
  imports: WebAssembly.Imports;
  /** Give the instance's memory once it exists (the wrappers read paths and iovecs from it). */
  bind(memory: WebAssembly.Memory): void;
}

/** Reads the module's stdin (blocking, on the module's thread); returns 0 at EOF. */
export type StdinReader = (into: Buffer) => number;

export function guardedImports(wasiImports: WebAssembly.Imports, preopens: Preopen[], log: LogWriter, stdin?: StdinReader): GuardedImports {
  const ns = wasiImports.wasi_snapshot_preview1 as unknown as WasiFns;
  let memory: WebAssembly.Memory | undefined;
  const dirs = new Map<number, DirHandle>();
  preopens.forEach((p, i) => dirs.set(3 + i, { root: realpathSync(p.host), at: [], readonly: p.readonly }));

  const bytes = () => new Uint8Array(memory!.buffer);
  const view = () => new DataView(memory!.buffer);
  const str = (ptr: number, len: number) => Buffer.from(bytes().subarray(ptr, ptr + len)).toString('utf8');

  /** Runs `act` once the path checks pass, or returns their errno. */
  const check = (fd: number, p: string, follow: boolean, write: boolean, act: (host: string, at: string[], dir: DirHandle) => number): number => {
    const dir = dirs.get(fd);
    if (!dir) return ERRNO.BADF;
    if (write && dir.readonly) return ERRNO.ROFS;
    const r = resolveBeneath(dir, p, follow);
    return r.ok ? act(r.host, r.at, dir) : r.errno;
  };

  const w: WasiFns = { ...ns };
  w.fd_write = (fd, iovs, iovsLen, nwritten) => {
    if (fd !== 1 && fd !== 2) return ns.fd_write!(fd, iovs, iovsLen, nwritten);
    const v = view();
    const parts: Buffer[] = [];
    for (let i = 0; i < Number(iovsLen); i++) {
      const ptr = v.getUint32(Number(iovs) + i * 8, true);
      const len = v.getUint32(Number(iovs) + i * 8 + 4, true);
      parts.push(Buffer.from(bytes().subarray(ptr, ptr + len)));
    }
    const data = Buffer.concat(parts);
    log.write(fd === 1 ? 'stdout' : 'stderr', data);
    view().setUint32(Number(nwritten), data.length, true);
    return ERRNO.SUCCESS;
  };
  w.fd_read = (fd, iovs, iovsLen, nread) => {
    if (fd !== 0 || !stdin) return ns.fd_read!(fd, iovs, iovsLen, nread);
    const v = view();
    const iov: Array<[number, number]> = [];
    for (let i = 0; i < Number(iovsLen); i++) iov.push([v.getUint32(Number(iovs) + i * 8, true), v.getUint32(Number(iovs) + i * 8 + 4, true)]);
    const total = iov.reduce((n, [, len]) => n + len, 0);
    const buf = Buffer.alloc(Math.min(total, 64 * 1024));
    const n = buf.length ? stdin(buf) : 0;
    let off = 0;
    for (const [ptr, len] of iov) {
      if (off >= n) break;
      const k = Math.min(len, n - off);
      bytes().set(buf.subarray(off, off + k), ptr);
      off += k;
    }
    view().setUint32(Number(nread), n, true);
    return ERRNO.SUCCESS;
  };
  w.path_open = (fd, dirflags, p, pl, oflags, base, inheriting, fdflags, out) => {
    const write = (Number(oflags) & (OFLAG_CREAT | OFLAG_TRUNC)) !== 0 || (BigInt(base) & WRITE_RIGHTS) !== 0n;
    return check(Number(fd), str(Number(p), Number(pl)), (Number(dirflags) & LOOKUP_FOLLOW) !== 0, write, (host, at, dir) => {
      const rc = ns.path_open!(fd, dirflags, p, pl, oflags, base, inheriting, fdflags, out);
      if (rc === ERRNO.SUCCESS && isDir(host)) dirs.set(view().getUint32(Number(out), true), { root: dir.root, at, readonly: dir.readonly });
      return rc;
    });
  };
  w.fd_close = (fd) => {
    const rc = ns.fd_close!(fd);
    if (rc === ERRNO.SUCCESS) dirs.delete(Number(fd));
    return rc;
  };
  w.fd_renumber = (from, to) => {
    const rc = ns.fd_renumber!(from, to);
    if (rc === ERRNO.SUCCESS) {
      const d = dirs.get(Number(from));
      dirs.delete(Number(from));
      if (d) dirs.set(Number(to), d);
      else dirs.delete(Number(to));
    }
    return rc;
  };
  const onePath = (name: string, write: boolean, pathArg: number, followFlagArg?: number) => {
    w[name] = (...a) => {
      const follow = followFlagArg !== undefined && (Number(a[followFlagArg]) & LOOKUP_FOLLOW) !== 0;
      return check(Number(a[0]), str(Number(a[pathArg]), Number(a[pathArg + 1])), follow, write, () => ns[name]!(...a));
    };
  };
  onePath('path_create_directory', true, 1);
  onePath('path_filestat_get', false, 2, 1);
  onePath('path_filestat_set_times', true, 2, 1);
  onePath('path_readlink', false, 1);
  onePath('path_remove_directory', true, 1);
  onePath('path_unlink_file', true, 1);
  w.path_rename = (fd, op, opl, nfd, np, npl) =>
    check(Number(fd), str(Number(op), Number(opl)), false, true, () =>
      check(Number(nfd), str(Number(np), Number(npl)), false, true, () => ns.path_rename!(fd, op, opl, nfd, np, npl)));
  w.path_link = (ofd, oflags, op, opl, nfd, np, npl) =>
    check(Number(ofd), str(Number(op), Number(opl)), (Number(oflags) & LOOKUP_FOLLOW) !== 0, true, () =>
      check(Number(nfd), str(Number(np), Number(npl)), false, true, () => ns.path_link!(ofd, oflags, op, opl, nfd, np, npl)));
  w.path_symlink = (tp, tpl, fd, np, npl) =>
    check(Number(fd), str(Number(np), Number(npl)), false, true, (_host, at) =>
      symlinkTargetAllowed(at, str(Number(tp), Number(tpl))) ? ns.path_symlink!(tp, tpl, fd, np, npl) : ERRNO.NOTCAPABLE);

  return {
    imports: { ...wasiImports, wasi_snapshot_preview1: w as unknown as WebAssembly.ModuleImports },
    bind: (m) => (memory = m),
  };
}

function isDir(host: string): boolean {
  try {
    return statSync(host).isDirectory();
  } catch {
    return false;
  }
}
