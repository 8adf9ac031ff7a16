/**
 * Where to start reading a k8s-file log to show its last N lines, found by reading backwards, so
 * `logs --tail 10` of a big log does not read all of it. Each F record ends one line, so the start
 * is just after the (N+1)-th F record from the end; the caller trims the exact count.
 */
import type { FileHandle } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/** True when a raw log line is an F (line-ending) record: the third space-separated field. */
export function isFullRecord(line: string): boolean {
  const a = line.indexOf(' ');
  const b = a < 0 ? -1 : line.indexOf(' ', a + 1);
  return b >= 0 && line[b + 1] === 'F' && (line.length === b + 2 || line[b + 2] === ' ' || line[b + 2] === ':');
}

export async function tailOffset(fh: FileHandle, size: number, lines: number): Promise<number> {
  if (lines <= 0) return size;
  let pos = size;
  let carry = Buffer.alloc(0); // bytes [pos, pos + carry.length) not yet split into lines
  let full = 0;
  while (pos > 0) {
    const len = Math.min(CHUNK, pos);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, pos - len);
    pos -= len;
    const data = Buffer.concat([buf, carry]);
    let end = data.length; // the current line is data[i + 1, end), its newline included
    for (let i = data.length - 1; i >= 0; i--) {
      if (data[i] !== 0x0a) continue;
      const line = data.subarray(i + 1, end).toString('utf8').replace(/\n$/, '');
      end = i + 1;
      if (line && isFullRecord(line) && ++full === lines + 1) return pos + i + 1;
    }
    carry = data.subarray(0, end);
  }
  return 0;
}
