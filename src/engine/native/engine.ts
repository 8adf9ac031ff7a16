/**
 * The native engine: one conmon per task running crun (or runc), as Podman does. The daemon
 * keeps no task in memory: every verb finds the task from its files under the state dir, so a
 * restarted daemon (a new NativeEngine) drives tasks an old one created.
 */
import { promises as fs } from 'node:fs';
import { ForgeError } from '../../errors';
import { signalNumber } from '../signals';
import type {
  AttachSession, AttachStreams, Engine, EngineCapabilities, ExecSession, ExecSpec, ExitStatus,
  TaskInfo, TaskSpec, TaskStatus, TerminalSize,
} from '../types';
import { attachSocket } from './attach';
import { writeControl, resizeMessage } from './control-fifo';
import { createTask, readPidFile } from './create';
import { monitorAlive } from './monitor-liveness';
import { readExitFile, waitForExitFile, type ExitRecord } from './exit-file';
import { runExec } from './exec';
import { OciRuntime, type OciState } from './oci-runtime';
import { resolveOptions, type NativeEngineOptions, type ResolvedNativeOptions } from './options';
import { execPaths, taskPaths, type TaskPaths } from './paths';
import { nodeProcessRunner } from './process-runner';
import { readTaskRecord, type TaskRecord } from './task-record';
import { mergeStatus } from './task-status';

/** After the runtime says a task stopped, how long conmon gets to write the exit file. */
const EXIT_FILE_GRACE_MS = 1000;
/** wait(): inotify reports the exit at once; this poll (and the dead-monitor check) is the safety net, kept rare because there is one per live container. */
const MONITOR_POLL_MS = 5000;

export class NativeEngine implements Engine {
  readonly kind = 'native' as const;
  readonly capabilities: EngineCapabilities = { exec: true, pause: true, tty: true, stdin: true, signalHandlers: true };
  private readonly o: ResolvedNativeOptions;
  private readonly runtime: OciRuntime;

  constructor(options: NativeEngineOptions) {
    this.o = resolveOptions(options, nodeProcessRunner);
    this.runtime = new OciRuntime({ name: this.o.runtime, path: this.o.runtimePath, root: this.o.runtimeRoot }, this.o.runner);
  }

  create(task: TaskSpec): Promise<TaskInfo> {
    return createTask(this.o, this.runtime, this.paths(task.id), task);
  }

  async start(id: string): Promise<void> {
    const { runtime } = await this.load(id);
    await runtime.start(id);
  }

  async kill(id: string, signal: string, options: { all?: boolean } = {}): Promise<void> {
    const sig = signalNumber(signal);
    const { runtime } = await this.load(id);
    await runtime.kill(id, sig, options.all ?? false);
  }

  async pause(id: string): Promise<void> {
    const { runtime } = await this.load(id);
    await runtime.pause(id);
  }

  async resume(id: string): Promise<void> {
    const { runtime } = await this.load(id);
    await runtime.resume(id);
  }

  async status(id: string): Promise<TaskStatus> {
    const { p, runtime } = await this.load(id);
    const exit = await readExitFile(p.exitFile);
    if (exit) return mergeStatus({ exit, oomKilled: await exists(p.oomFile) });
    const state = await stateOrUndefined(runtime, id);
    if (state?.status === 'stopped') {
      // The process is gone; conmon writes the exit file a moment later.
      const late = await waitForExitFile(p.exitFile, { signal: AbortSignal.timeout(EXIT_FILE_GRACE_MS), pollMs: 20 }).catch(() => undefined);
      if (late) return mergeStatus({ exit: late, oomKilled: await exists(p.oomFile) });
    }
    return mergeStatus({ runtime: state });
  }

  async wait(id: string, signal?: AbortSignal): Promise<ExitStatus> {
    const { p, runtime } = await this.load(id);
    const conmonPid = await readPidFile(p.conmonPidFile);
    let warned = false;
    // If conmon itself died (OOM-killed, kill -9), no exit file ever comes. The task may live on
    // unmonitored; once it is gone too, report the exit as unknown (255) rather than hang forever.
    // conmon is checked by a /proc read; crun runs only after conmon is found dead.
    const check = async (): Promise<ExitRecord | undefined> => {
      if (conmonPid === 0 || (await monitorAlive(conmonPid))) return undefined;
      const written = await readExitFile(p.exitFile); // it may have written the file just before exiting
      if (written) return written;
      const state = await stateOrUndefined(runtime, id).catch(() => undefined);
      if (state && state.status !== 'stopped') {
        if (!warned) this.o.logger.warn('the task\'s conmon is gone; the task runs unmonitored (no logs, no exit code)', { id, conmon: conmonPid });
        warned = true;
        return undefined;
      }
      this.o.logger.warn('the task\'s conmon is gone and wrote no exit file; exit code unknown', { id, conmon: conmonPid });
      return { exitCode: 255, exitedAt: new Date() };
    };
    const exit = await waitForExitFile(p.exitFile, { signal, check, maxPollMs: MONITOR_POLL_MS, checkMs: MONITOR_POLL_MS });
    return { ...exit, ...((await exists(p.oomFile)) ? { oomKilled: true } : {}) };
  }

  async delete(id: string): Promise<void> {
    const p = this.paths(id);
    const record = await readTaskRecord(p.record).catch(() => undefined);
    // create.ts makes the task dir before the runtime ever hears of the task: with neither the
    // record nor the dir there is nothing to delete. So the start of a new container (which
    // deletes any previous run's task first) spawns no `crun delete` (bench/README.md).
    if (!record && !(await exists(p.dir))) return;
    const runtime = record ? this.runtimeOf(record) : this.runtime;
    const exited = await readExitFile(p.exitFile).catch(() => undefined);
    await runtime.delete(id);
    if (!exited && record) {
      // It was still running: let conmon record the kill before its directory goes.
      await waitForExitFile(p.exitFile, { signal: AbortSignal.timeout(2000), pollMs: 20 }).catch(() => undefined);
    }
    await fs.rm(p.dir, { recursive: true, force: true, maxRetries: 3 });
  }

  async attach(id: string, streams: AttachStreams): Promise<AttachSession> {
    const { p, record } = await this.load(id);
    await assertNotExited(p, id);
    return attachSocket(p.attachSocket, record.stdin ? streams : { ...streams, stdin: undefined });
  }

  async resize(id: string, size: TerminalSize): Promise<void> {
    const { p } = await this.load(id);
    await assertNotExited(p, id);
    await writeControl(p.ctlFifo, resizeMessage(size));
  }

  async exec(id: string, spec: ExecSpec, streams: AttachStreams): Promise<ExecSession> {
    const { p, record } = await this.load(id);
    return runExec({ id, record, paths: execPaths(p, id, spec.execId), conmonPath: this.o.conmonPath, timeoutMs: this.o.syncTimeoutMs }, spec, streams);
  }

  async pids(id: string): Promise<number[]> {
    const { runtime } = await this.load(id);
    return runtime.pids(id);
  }

  private paths(id: string): TaskPaths {
    return taskPaths(this.o.stateDir, this.o.bundleRoot, id);
  }

  private async load(id: string): Promise<{ p: TaskPaths; record: TaskRecord; runtime: OciRuntime }> {
    const p = this.paths(id);
    const record = await readTaskRecord(p.record);
    if (!record) throw new ForgeError('NotFound', `no such task: ${id}`, { details: { id } });
    return { p, record, runtime: this.runtimeOf(record) };
  }

  private runtimeOf(r: TaskRecord): OciRuntime {
    const c = this.runtime.cfg;
    if (r.runtime === c.name && r.runtimePath === c.path && r.runtimeRoot === c.root) return this.runtime;
    return new OciRuntime({ name: r.runtime, path: r.runtimePath, root: r.runtimeRoot }, this.o.runner);
  }
}

async function stateOrUndefined(runtime: OciRuntime, id: string): Promise<OciState | undefined> {
  try {
    return await runtime.state(id);
  } catch (err) {
    if (err instanceof ForgeError && err.code === 'NotFound') return undefined;
    throw err;
  }
}

/** conmon writes the exit file a moment before it closes its socket and FIFOs: go by the file. */
async function assertNotExited(p: TaskPaths, id: string): Promise<void> {
  if (await readExitFile(p.exitFile)) {
    throw new ForgeError('FailedPrecondition', `task ${id} has exited`, { details: { id, reason: 'not-running' } });
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
