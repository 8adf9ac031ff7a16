/**
 * Where a WASM task's files are: one directory per task under the state dir (on tmpfs), so a
 * restarted daemon finds everything by ID and delete is one `rm -r`. Who writes what:
 *
 *   <stateDir>/<id>/task.json    the engine, at create: what to run (task-config.ts)
 *   host.json                    the host process, once the module is instantiated ("created"):
 *                                its PID, the monitor's PID and both start times
 *   started                      the host, just before the module's _start runs
 *   status.json                  the host, when it fails or the module ends: why (exit, trap,
 *                                memory-limit, timeout, cpu-limit, failed) and a message
 *   exit                         the host's exit code: written (renamed into place) by the host
 *                                when the module ends, else by the monitor (a shell waiting for
 *                                the host) when the host was killed; survives a daemon kill -9
 *   host.log                     the host process's own stderr (V8 fatal errors)
 *   stdin                        a FIFO, for a task with stdin (stdin.ts)
 *
 * The warm pool keeps standby hosts under `<stateDir>/.pool/<sid>/` (pool.ts): standby.json
 * (engine), ready (host), assign (engine: the task dir it now serves), task-dir (host: tells the
 * monitor where to write the exit code).
 */
import * as path from 'node:path';
import { ForgeError } from '../../errors';

export interface WasmTaskPaths {
  dir: string;
  config: string;
  host: string;
  started: string;
  status: string;
  exit: string;
  hostLog: string;
  stdin: string;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function taskPaths(stateDir: string, id: string): WasmTaskPaths {
  if (!ID_RE.test(id)) throw new ForgeError('InvalidArgument', `invalid task id "${id}"`);
  const dir = path.join(stateDir, id);
  return {
    dir,
    config: path.join(dir, 'task.json'),
    host: path.join(dir, 'host.json'),
    started: path.join(dir, 'started'),
    status: path.join(dir, 'status.json'),
    exit: path.join(dir, 'exit'),
    hostLog: path.join(dir, 'host.log'),
    stdin: path.join(dir, 'stdin'),
  };
}

export interface StandbyPaths {
  dir: string;
  spec: string;
  ready: string;
  assign: string;
  taskDir: string;
  exit: string;
}

export function poolRoot(stateDir: string): string {
  return path.join(stateDir, '.pool');
}

export function standbyPaths(stateDir: string, sid: string): StandbyPaths {
  const dir = path.join(poolRoot(stateDir), sid);
  return {
    dir,
    spec: path.join(dir, 'standby.json'),
    ready: path.join(dir, 'ready'),
    assign: path.join(dir, 'assign'),
    taskDir: path.join(dir, 'task-dir'),
    exit: path.join(dir, 'exit'),
  };
}

/** host.json: the processes of a task. Start times (from /proc) guard against PID reuse. */
export interface HostRecord {
  pid: number;
  startTime: number;
  monitorPid: number;
  monitorStartTime: number;
  /** A host that was a standby: its pool dir (its monitor's dir and host.log), removed with the task. */
  standbyDir?: string;
}

/** status.json: how the host ended, or why it could not start the module. */
export interface HostStatus {
  reason: 'exit' | 'trap' | 'memory-limit' | 'timeout' | 'cpu-limit' | 'failed';
  message?: string;
  /** For `failed`: the ForgeError code and details.reason to report. */
  code?: string;
  detailReason?: string;
  exitCode?: number;
}
