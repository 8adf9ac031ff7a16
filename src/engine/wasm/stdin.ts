/**
 * A task's stdin: a FIFO in its dir, made at create when the task wants stdin (`-i`). The host
 * reads it on the module's fd 0 (host/task.ts); each attach with stdin writes to it. The writer
 * opens it read-write and non-blocking (so opening never waits for the host, and a full pipe
 * never blocks the daemon: libuv waits for it like for a socket). Node has no mkfifo, so the
 * coreutils program makes it.
 */
import { execFile } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { ForgeError } from '../../errors';

export async function makeFifo(file: string): Promise<void> {
  try {
    await promisify(execFile)('mkfifo', ['-m', '600', file]);
  } catch (err) {
    throw new ForgeError('FailedPrecondition', `cannot make the stdin FIFO ${file}: ${(err as Error).message}`, { cause: err, hint: 'is coreutils (mkfifo) installed?' });
  }
}

/** Copies `input` into the FIFO until it ends (then closes our end: EOF for a StdinOnce task) or `stop` is called. */
export function forwardStdin(fifo: string, input: Readable): () => void {
  let fd: number;
  try {
    fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
  } catch (err) {
    throw new ForgeError('FailedPrecondition', `the task's stdin is gone: ${(err as Error).message}`, { cause: err, details: { reason: 'not-running' } });
  }
  let pipe: Socket;
  try {
    pipe = new Socket({ fd, readable: false, writable: true });
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  pipe.on('error', () => input.unpipe(pipe));
  input.pipe(pipe);
  return () => {
    input.unpipe(pipe);
    pipe.destroy();
  };
}
