/**
 * `task.json`: what the engine must know about a task beyond its ID to act on it after a daemon
 * restart, written before conmon starts so a crash between the two leaves a record to clean up.
 * The runtime is recorded per task: a daemon restarted with another `runtime` setting still
 * drives old tasks with the runtime (and root) that created them.
 */
import { promises as fs } from 'node:fs';
import { replaceFile } from './replace-file';
import { ForgeError } from '../../errors';
import type { OciRuntimeName } from './options';

export interface TaskRecord {
  version: 1;
  id: string;
  runtime: OciRuntimeName;
  runtimePath: string;
  runtimeRoot: string;
  tty: boolean;
  stdin: boolean;
  logPath: string;
  createdAt: string;
}

export async function writeTaskRecord(file: string, record: TaskRecord): Promise<void> {
  await replaceFile(file, JSON.stringify(record, null, 2) + '\n', 0o600);
}

/** The record, or undefined when the task is unknown (no state dir). */
export async function readTaskRecord(file: string): Promise<TaskRecord | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const r = JSON.parse(text) as TaskRecord;
    if (r.version !== 1 || typeof r.id !== 'string') throw new Error('unknown format');
    return r;
  } catch (err) {
    throw new ForgeError('Internal', `corrupt task record ${file}`, { cause: err });
  }
}
