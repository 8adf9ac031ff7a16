/**
 * Where a task's files are. One directory per task under the state dir holds everything conmon
 * and the engine write, so delete is one `rm -r` and a restarted daemon finds it all by ID:
 *
 *   <stateDir>/<id>/config.json   symlink to <bundleRoot>/<id>/config.json: this dir is the
 *                                  bundle conmon and crun see, so conmon's attach socket and
 *                                  ctl/winsz FIFOs (always made in the bundle) land here, on tmpfs
 *   attach, ctl, winsz            conmon's attach socket (SOCK_SEQPACKET) and control FIFOs
 *   conmon.pid, pidfile           conmon's PID and the container's PID 1
 *   exits/<id>                    exit code written by conmon (--exit-dir)
 *   persist/exit, persist/oom     conmon's persist dir
 *   task.json                     what the engine needs to find the task again
 *   exec/<execId>/…               one such layout per exec session
 */
import * as path from 'node:path';
import { ForgeError } from '../../errors';

export interface TaskPaths {
  dir: string;
  bundleDir: string;
  specFile: string;
  specLink: string;
  attachSocket: string;
  ctlFifo: string;
  conmonPidFile: string;
  containerPidFile: string;
  exitDir: string;
  exitFile: string;
  persistDir: string;
  oomFile: string;
  record: string;
  execRoot: string;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** IDs become path components and runtime arguments: refuse anything that could escape. */
export function assertTaskId(id: string): void {
  if (!ID_RE.test(id)) throw new ForgeError('InvalidArgument', `invalid task id "${id}"`);
}

export function taskPaths(stateDir: string, bundleRoot: string, id: string): TaskPaths {
  assertTaskId(id);
  const dir = path.join(stateDir, id);
  const bundleDir = path.join(bundleRoot, id);
  return {
    dir,
    bundleDir,
    specFile: path.join(bundleDir, 'config.json'),
    specLink: path.join(dir, 'config.json'),
    attachSocket: path.join(dir, 'attach'),
    ctlFifo: path.join(dir, 'ctl'),
    conmonPidFile: path.join(dir, 'conmon.pid'),
    containerPidFile: path.join(dir, 'pidfile'),
    exitDir: path.join(dir, 'exits'),
    exitFile: path.join(dir, 'exits', id),
    persistDir: path.join(dir, 'persist'),
    oomFile: path.join(dir, 'persist', 'oom'),
    record: path.join(dir, 'task.json'),
    execRoot: path.join(dir, 'exec'),
  };
}

export interface ExecPaths {
  dir: string;
  processSpec: string;
  attachSocket: string;
  ctlFifo: string;
  conmonPidFile: string;
  pidFile: string;
  exitDir: string;
  /** conmon names the exit file after `-c`, the container ID. */
  exitFile: string;
  logFile: string;
}

export function execPaths(task: TaskPaths, id: string, execId: string): ExecPaths {
  assertTaskId(execId);
  const dir = path.join(task.execRoot, execId);
  return {
    dir,
    processSpec: path.join(dir, 'process.json'),
    attachSocket: path.join(dir, 'attach'),
    ctlFifo: path.join(dir, 'ctl'),
    conmonPidFile: path.join(dir, 'conmon.pid'),
    pidFile: path.join(dir, 'pidfile'),
    exitDir: path.join(dir, 'exits'),
    exitFile: path.join(dir, 'exits', id),
    logFile: path.join(dir, 'exec.log'),
  };
}
