/**
 * Is a task's conmon still there? Not `kill -0`: a finished conmon can linger as a zombie until
 * PID 1 reaps it (HOST-NOTES 9). We read /proc/<pid>/stat instead: alive means the process
 * exists, is named conmon and is neither a zombie nor dead. A file read, so `wait` can ask
 * every few seconds for every task without running a program.
 */
import { promises as fs } from 'node:fs';

/** `pid (comm) S …` → comm and state; comm may itself hold spaces and parentheses. */
export function parseProcStat(text: string): { comm: string; state: string } | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  return { comm: text.slice(open + 1, close), state: text.slice(close + 2, close + 3) };
}

export async function monitorAlive(pid: number): Promise<boolean> {
  if (!(pid > 0)) return false;
  try {
    const stat = parseProcStat(await fs.readFile(`/proc/${pid}/stat`, 'utf8'));
    return !!stat && stat.comm === 'conmon' && stat.state !== 'Z' && stat.state !== 'X';
  } catch {
    return false;
  }
}
