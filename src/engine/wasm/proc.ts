/**
 * What /proc says about a host or monitor process: alive (not a zombie: PID 1 here reaps late,
 * HOST-NOTES 9), stopped (paused with SIGSTOP), and its start time, which the engine compares
 * with the one recorded at create so a reused PID is never signalled. File reads only, so
 * `wait` can ask every few hundred ms for every task without running a program.
 */
import { promises as fs, readFileSync } from 'node:fs';

export interface ProcInfo {
  comm: string;
  /** R, S, D, T (stopped), t, Z (zombie), X… */
  state: string;
  /** Field 22 of stat: clock ticks after boot. */
  startTime: number;
}

/** `pid (comm) S ppid …` → comm, state and start time; comm may itself hold spaces and parentheses. */
export function parseStat(text: string): ProcInfo | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).split(' ');
  const startTime = Number(rest[19]);
  if (!rest[0] || !Number.isFinite(startTime)) return undefined;
  return { comm: text.slice(open + 1, close), state: rest[0], startTime };
}

export async function procInfo(pid: number): Promise<ProcInfo | undefined> {
  if (!(pid > 0)) return undefined;
  try {
    return parseStat(await fs.readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

export function procInfoSync(pid: number): ProcInfo | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The process recorded as (pid, startTime) still exists and has not exited. */
export async function isAlive(pid: number, startTime: number): Promise<boolean> {
  const p = await procInfo(pid);
  return !!p && p.startTime === startTime && p.state !== 'Z' && p.state !== 'X';
}

/** Alive and stopped by SIGSTOP. */
export async function isStopped(pid: number, startTime: number): Promise<boolean> {
  const p = await procInfo(pid);
  return !!p && p.startTime === startTime && (p.state === 'T' || p.state === 't');
}
