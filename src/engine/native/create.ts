/**
 * `create`: write the bundle, record the task, start conmon (which runs `<runtime> create`) and
 * read the container's PID from the sync pipe. On any failure nothing is left behind but the
 * bundle's config.json.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../errors';
import { replaceFile } from './replace-file';
import type { TaskInfo, TaskSpec } from '../types';
import { conmonCreateArgs } from './conmon-args';
import { expectPid, launchConmon } from './conmon-launch';
import type { OciRuntime } from './oci-runtime';
import type { ResolvedNativeOptions } from './options';
import type { TaskPaths } from './paths';
import { writeTaskRecord, type TaskRecord } from './task-record';

export function validateTaskSpec(task: TaskSpec): void {
  const root = task.spec.root?.path;
  if (!root || !path.isAbsolute(root)) throw new ForgeError('InvalidArgument', `task ${task.id}: spec.root.path must be an absolute path`);
  if (!task.spec.process?.args?.length) throw new ForgeError('InvalidArgument', `task ${task.id}: spec.process.args is empty`);
  if (Boolean(task.spec.process.terminal) !== task.tty) {
    throw new ForgeError('InvalidArgument', `task ${task.id}: tty (${task.tty}) and spec.process.terminal disagree`);
  }
  if (!path.isAbsolute(task.logPath)) throw new ForgeError('InvalidArgument', `task ${task.id}: logPath must be absolute`);
}

export async function createTask(o: ResolvedNativeOptions, runtime: OciRuntime, p: TaskPaths, task: TaskSpec): Promise<TaskInfo> {
  validateTaskSpec(task);
  try {
    await fs.mkdir(p.dir, { recursive: false, mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ForgeError('AlreadyExists', `task ${task.id} already exists`, { hint: 'delete the old task first' });
    }
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await fs.mkdir(o.stateDir, { recursive: true, mode: 0o700 });
    await fs.mkdir(p.dir, { mode: 0o700 });
  }
  try {
    const record: TaskRecord = {
      version: 1,
      id: task.id,
      runtime: runtime.cfg.name,
      runtimePath: runtime.cfg.path,
      runtimeRoot: runtime.cfg.root,
      tty: task.tty,
      stdin: task.stdin,
      logPath: task.logPath,
      createdAt: new Date().toISOString(),
    };
    // Independent steps at once: they are most of create's own time (HOST-NOTES 13 budget).
    await Promise.all([
      (async () => {
        await fs.mkdir(p.bundleDir, { recursive: true, mode: 0o700 });
        await replaceFile(p.specFile, JSON.stringify(task.spec, null, 2) + '\n', 0o600);
        await fs.symlink(p.specFile, p.specLink);
      })(),
      fs.mkdir(p.exitDir),
      fs.mkdir(p.persistDir),
      fs.mkdir(path.dirname(task.logPath), { recursive: true }),
      writeTaskRecord(p.record, record),
    ]);
    const args = conmonCreateArgs({
      id: task.id,
      runtime: runtime.cfg.name,
      runtimePath: runtime.cfg.path,
      runtimeRoot: runtime.cfg.root,
      bundleDir: p.dir,
      pidFile: p.containerPidFile,
      conmonPidFile: p.conmonPidFile,
      exitDir: p.exitDir,
      persistDir: p.persistDir,
      logPath: task.logPath,
      logMaxSize: task.logMaxSize,
      tty: task.tty,
      stdin: task.stdin,
      leaveStdinOpen: !task.stdinOnce,
    });
    const started = Date.now();
    const handle = launchConmon({ conmonPath: o.conmonPath, args, cwd: p.dir });
    const pid = await expectPid(handle, o.syncTimeoutMs, `create task ${task.id}`, { id: task.id });
    handle.close();
    const monitorPid = await readPidFile(p.conmonPidFile);
    o.logger.debug('task created', { id: task.id, pid, conmon: monitorPid, ms: Date.now() - started });
    return { pid, monitorPid };
  } catch (err) {
    await runtime.delete(task.id).catch(() => undefined);
    await fs.rm(p.dir, { recursive: true, force: true, maxRetries: 3 });
    throw err;
  }
}

export async function readPidFile(file: string): Promise<number> {
  try {
    const n = Number((await fs.readFile(file, 'utf8')).trim());
    return Number.isInteger(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}
