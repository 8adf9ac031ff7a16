/**
 * The Linux adapter of SpecialFiles: what Node has no call for (mknod, mkfifo, lsetxattr, syncfs),
 * done with coreutils and setfattr (Debian package `attr`). Batched so a layer with hundreds of
 * whiteouts or xattrs costs one process each, not hundreds: whiteouts through one `sh` loop over
 * argv (paths are arguments, never parsed as shell), xattrs through `setfattr -h --restore=-`
 * reading getfattr's dump format on stdin (`-h`: a symlink at the path is never followed).
 */
import { errors } from '../../errors';
import type { SpecialFiles, XattrWrite } from '../types';
import { CommandFailed, runCommand } from '../../util/run-command';

/** Paths per `sh` invocation: far below ARG_MAX even for 4 KiB paths. */
const WHITEOUT_BATCH = 256;
/** `$@` is the list of paths; each becomes a char device 0/0 with mode 000 (an overlay whiteout). */
const MKNOD_LOOP = 'for p do mknod -m 000 -- "$p" c 0 0 || exit 1; done';

export class LinuxSpecialFiles implements SpecialFiles {
  async makeWhiteouts(paths: readonly string[]): Promise<void> {
    for (let i = 0; i < paths.length; i += WHITEOUT_BATCH) {
      const batch = paths.slice(i, i + WHITEOUT_BATCH);
      await run('sh', ['-c', MKNOD_LOOP, 'forgeone-whiteouts', ...batch], 'creating overlay whiteouts');
    }
  }

  async makeFifo(path: string, mode: number): Promise<void> {
    await run('mkfifo', ['-m', (mode & 0o777).toString(8), '--', path], `creating fifo ${path}`);
  }

  async setXattrs(writes: readonly XattrWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const dump = writes
      .map((w) => `# file: ${escape(Buffer.from(w.path))}\n${escape(Buffer.from(w.name))}=0s${w.value.toString('base64')}\n`)
      .join('\n');
    try {
      await runCommand('setfattr', ['-h', '--restore=-'], { input: dump + '\n', packageName: 'attr' });
    } catch (err) {
      if (err instanceof CommandFailed && /not supported/i.test(err.stderr)) {
        throw errors.failedPrecondition(`the filesystem does not support these extended attributes: ${err.stderr.trim()}`, {
          cause: err,
          hint: 'put the data root on ext4, xfs or btrfs (overlay snapshots need trusted.* xattrs)',
        });
      }
      throw wrap(err, 'setting extended attributes');
    }
  }

  async syncFs(path: string): Promise<void> {
    await run('sync', ['-f', path], `syncing the filesystem of ${path}`);
  }
}

/** getfattr's quoting, which setfattr --restore undoes: `\ooo` for any byte that is not printable ASCII. */
function escape(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    const plain = b > 0x20 && b < 0x7f && b !== 0x5c && b !== 0x3d;
    out += plain ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`;
  }
  return out;
}

async function run(file: string, args: string[], what: string): Promise<void> {
  try {
    await runCommand(file, args);
  } catch (err) {
    throw wrap(err, what);
  }
}

function wrap(err: unknown, what: string) {
  if (!(err instanceof CommandFailed)) return err;
  if (/Operation not permitted|Permission denied/i.test(err.stderr)) {
    return errors.permissionDenied(`${what}: ${err.stderr.trim()}`, { cause: err, hint: 'unpacking layers needs root (CAP_MKNOD, CAP_SYS_ADMIN for trusted.* xattrs)' });
  }
  return errors.internal(`${what}: ${err.message}`, { cause: err });
}
