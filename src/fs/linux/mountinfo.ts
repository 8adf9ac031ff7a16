/** Reads /proc/self/mountinfo: which paths are mount points, and with what filesystem. */
import { promises as fs } from 'node:fs';

export interface MountInfoEntry {
  mountPoint: string;
  fsType: string;
  source: string;
  /** Per-superblock options (`lowerdir=…,upperdir=…` for overlay). */
  superOptions: string;
}

/** Parses mountinfo text (proc(5)): fields 5 (mount point), then after ` - `: type, source, options. */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const out: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [head, tail] = splitOnce(line, ' - ');
    const fields = head.split(' ');
    const after = (tail ?? '').split(' ');
    if (fields.length < 5 || after.length < 3) continue;
    out.push({
      mountPoint: unescapeOctal(fields[4]!),
      fsType: after[0]!,
      source: unescapeOctal(after[1]!),
      superOptions: unescapeOctal(after.slice(2).join(' ')),
    });
  }
  return out;
}

export async function readMountInfo(file = '/proc/self/mountinfo'): Promise<MountInfoEntry[]> {
  return parseMountInfo(await fs.readFile(file, 'utf8'));
}

/** The kernel writes space, tab, newline and backslash in paths as `\ooo`. */
export function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + sep.length)];
}
