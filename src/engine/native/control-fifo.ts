/**
 * conmon's control FIFO (`ctl` in the bundle dir): lines `TYPE HEIGHT WIDTH\n`, type 1 resizes
 * the terminal (conmon forwards it to its `winsz` FIFO and ioctls the pty), type 2 reopens logs.
 * Opened non-blocking: with no conmon reading, open fails with ENXIO instead of hanging forever.
 */
import { promises as fs, constants as fsc } from 'node:fs';
import { ForgeError } from '../../errors';
import type { TerminalSize } from '../types';

export const WIN_RESIZE_EVENT = 1;
export const REOPEN_LOGS_EVENT = 2;
/** conmon ignores sizes outside 0..1000. */
const MAX_DIMENSION = 1000;

export function resizeMessage(size: TerminalSize): string {
  for (const [k, v] of Object.entries(size)) {
    if (!Number.isInteger(v) || v < 0) throw new ForgeError('InvalidArgument', `invalid terminal ${k}: ${v}`);
  }
  return `${WIN_RESIZE_EVENT} ${Math.min(size.rows, MAX_DIMENSION)} ${Math.min(size.cols, MAX_DIMENSION)}\n`;
}

export async function writeControl(fifo: string, line: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(fifo, fsc.O_WRONLY | fsc.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENXIO' || code === 'ENOENT') {
      throw new ForgeError('FailedPrecondition', 'the task is not running (its monitor is gone)', { cause: err, details: { reason: 'not-running' } });
    }
    throw err;
  }
  try {
    await handle.write(line);
  } finally {
    await handle.close();
  }
}
