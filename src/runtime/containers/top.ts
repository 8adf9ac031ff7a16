/** `top`: the processes of a running container, read from /proc for the task's PIDs. */
import { readFileSync } from 'node:fs';
import { ForgeError } from '../../errors';
import type { TopResult } from '../../config/api-types';
import type { RuntimeContext } from '../context';
import { findContainer } from './find-container';

export async function top(rt: RuntimeContext, input: string): Promise<TopResult> {
  const c = findContainer(rt, input);
  if (c.state.status !== 'running' && c.state.status !== 'paused') {
    throw new ForgeError('Conflict', `container ${c.record.name} is not running`);
  }
  const pids = await rt.engine(c.record.engine as never).pids(c.record.id);
  const processes = pids.flatMap((pid) => {
    const row = processRow(pid);
    return row ? [row] : [];
  });
  return { Titles: ['UID', 'PID', 'PPID', 'STIME', 'TIME', 'CMD'], Processes: processes };
}

function processRow(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = fields[1] ?? '0';
    const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1] ?? '?';
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') || `[${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}]`;
    const secs = Math.floor(ticks / 100);
    const time = `${String(Math.floor(secs / 3600)).padStart(2, '0')}:${String(Math.floor(secs / 60) % 60).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}`;
    return [uid, String(pid), ppid, '-', time, cmd];
  } catch {
    return undefined; // exited between listing and reading
  }
}
