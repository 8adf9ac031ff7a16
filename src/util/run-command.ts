/**
 * Runs one host tool for the Linux adapters (fs/: mount, umount, mknod, mkfifo, setfattr, sync;
 * network/: unshare, umount, iptables, ip): arguments as an array (never a shell line built from
 * paths), C locale so messages can be matched, stdin from a buffer, stderr kept for the error.
 */
import { spawn } from 'node:child_process';
import { errors } from '../errors';

export interface RunOptions {
  /** Written to the tool's stdin, then closed. Default: empty stdin. */
  input?: string | Buffer;
  /** Working directory. Default: the daemon's. */
  cwd?: string;
  /** Debian package that provides the tool, named in the error when it is missing. */
  packageName?: string;
}

export class CommandFailed extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${command} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim() || 'no message'}`);
    this.name = 'CommandFailed';
  }
}

export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        const pkg = options.packageName ?? file;
        reject(errors.failedPrecondition(`${file} is not installed`, { cause: e, hint: `install it: apt-get install ${pkg}` }));
      } else reject(e);
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new CommandFailed(file, code, Buffer.concat(err).toString('utf8')));
    });
    // A tool that exits before reading stdin closes the pipe: its exit status tells what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
