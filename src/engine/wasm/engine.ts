/**
 * The WASM engine: WebAssembly modules (WASI preview 1, node:wasi) as tasks. Each task is one
 * host process (host/main.ts) under a monitor shell (launch.ts), outside the daemon, so tasks
 * survive a daemon restart and a crashing module takes down only its own host. The engine keeps
 * nothing in memory that matters: every verb reads the task's files (paths.ts) and /proc, so a
 * new engine (a restarted daemon) drives tasks an old one created. See docs in task-config.ts
 * (what a task runs), pool.ts (warm starts) and host/task.ts (limits, signals, exit codes).
 */
import { createHash } from 'node:crypto';
import { promises as fs, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../errors';
import { signalNumber } from '../signals';
import { forwardStdin, makeFifo } from './stdin';
import type {
  AttachSession, AttachStreams, Engine, EngineCapabilities, ExecSession, ExitStatus, TaskInfo, TaskSpec, TaskStatus,
} from '../types';
import { followLog } from './attach';
import { readExitSoon, readJson, waitForFiles, exists } from './files';
import { launchHost } from './launch';
import { checkModule, inspectModule } from './module-info';
import { resolveWasmOptions, type ResolvedWasmOptions, type WasmEngineOptions } from './options';
import { taskPaths, type HostRecord, type HostStatus, type WasmTaskPaths } from './paths';
import { WarmPool } from './pool';
import { isAlive, isStopped } from './proc';
import { deliverable } from './signals';
import { hostGone, startTask, type Launcher } from './start-task';
import { taskConfigFromSpec, type WasmTaskConfig } from './task-config';
import { instanceStats, procUsage } from './usage';
import type { ResourceStats } from '../../config/container-stats';

/** After the host is gone, how long the monitor gets to write the exit file. */
const EXIT_GRACE_MS = 1000;
/** wait(): inotify reports the exit at once; this poll (and the dead-monitor check) is the safety net, kept rare because there is one per live container. */
const MONITOR_POLL_MS = 5000;

export class WasmEngine implements Engine {
  readonly kind = 'wasm' as const;
  readonly capabilities: EngineCapabilities = { exec: false, pause: true, tty: false, stdin: true, signalHandlers: false };
  readonly pool: WarmPool;
  private readonly o: ResolvedWasmOptions;
  private readonly launcher: Launcher;
  /** Linear memory limits of tasks, read once for stats (task.json does not change). */
  private readonly memoryPages = new Map<string, number>();

  constructor(options: WasmEngineOptions) {
    this.o = resolveWasmOptions(options);
    const launch = (mode: 'run' | 'standby') => (dir: string) =>
      launchHost({ nodePath: this.o.nodePath, hostScript: this.o.hostScript, nodeFlags: this.o.nodeFlags, mode, dir });
    this.pool = new WarmPool({ stateDir: this.o.stateDir, size: this.o.poolSize, idleMs: this.o.poolIdleMs, launch: launch('standby'), logger: this.o.logger, build: hostBuild(this.o.hostScript) });
    this.launcher = { launch: launch('run'), pool: this.pool, readyTimeoutMs: this.o.readyTimeoutMs, stateDir: this.o.stateDir };
  }

  async create(task: TaskSpec): Promise<TaskInfo> {
    if (task.tty) throw unsupported('a terminal (-t)', 'tty');
    const p = taskPaths(this.o.stateDir, task.id);
    const base = taskConfigFromSpec(task);
    const bytes = await readModule(base.module);
    checkModule(inspectModule(bytes, path.basename(base.module)), { ...(base.memoryPages ? { memoryLimitPages: base.memoryPages } : {}) }, path.basename(base.module));
    for (const pre of base.preopens) await checkPreopen(pre.host, pre.guest);
    const cfg: WasmTaskConfig = { ...base, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
    if (await exists(p.config)) throw new ForgeError('AlreadyExists', `task ${task.id} already exists`, { details: { reason: 'already-exists' } });
    await fs.mkdir(p.dir, { recursive: true, mode: 0o700 });
    if (task.stdin) {
      cfg.stdin = { fifo: p.stdin, once: !!task.stdinOnce };
      await makeFifo(p.stdin);
    }
    await fs.mkdir(path.dirname(cfg.logPath), { recursive: true });
    await fs.writeFile(p.config, JSON.stringify(cfg, null, 2));
    const rec = await startTask(this.launcher, p, cfg);
    void this.pool.warm(cfg.digest, cfg.module).catch((err: unknown) => this.o.logger.warn('wasm: warming failed', { error: (err as Error).message }));
    return { pid: rec.pid, monitorPid: rec.monitorPid };
  }

  async start(id: string): Promise<void> {
    const { p, rec } = await this.running(id, 'start');
    if (await exists(p.started)) throw new ForgeError('FailedPrecondition', `task ${id} was already started`);
    process.kill(rec.pid, 'SIGUSR2');
    const seen = await waitForFiles(p.dir, ['started', 'exit'], { signal: AbortSignal.timeout(this.o.readyTimeoutMs), pollMs: 20 });
    if (seen === 'exit' && !(await exists(p.started))) throw await hostGone(p, 'the wasm host ended before the module started');
  }

  async kill(id: string, signal: string): Promise<void> {
    const { p, rec } = await this.running(id, 'kill');
    const sig = deliverable(signalNumber(signal), await exists(p.started));
    if (sig !== undefined) process.kill(rec.pid, sig);
  }

  async pause(id: string): Promise<void> {
    const { rec } = await this.running(id, 'pause');
    process.kill(rec.pid, 'SIGSTOP');
    await until(() => isStopped(rec.pid, rec.startTime));
  }

  async resume(id: string): Promise<void> {
    const { rec } = await this.running(id, 'resume');
    process.kill(rec.pid, 'SIGCONT');
    await until(async () => !(await isStopped(rec.pid, rec.startTime)));
  }

  async status(id: string): Promise<TaskStatus> {
    const p = await this.load(id);
    const stopped = async (): Promise<TaskStatus | undefined> => {
      const exit = await readExitSoon(p.exit);
      if (!exit) return undefined;
      const oom = (await readJson<HostStatus>(p.status))?.reason === 'memory-limit';
      return { state: 'stopped', exitCode: exit.exitCode, exitedAt: exit.exitedAt, ...(oom ? { oomKilled: true } : {}) };
    };
    const done = await stopped();
    if (done) return done;
    const rec = await readJson<HostRecord>(p.host);
    if (!rec) return { state: 'created' }; // the host is still instantiating
    if (await isAlive(rec.pid, rec.startTime)) {
      if (await isStopped(rec.pid, rec.startTime)) return { state: 'paused', pid: rec.pid };
      return { state: (await exists(p.started)) ? 'running' : 'created', pid: rec.pid };
    }
    // Gone: the monitor renames the exit file into place a moment later.
    await waitForFiles(p.dir, ['exit'], { signal: AbortSignal.timeout(EXIT_GRACE_MS), pollMs: 20 }).catch(() => undefined);
    return (await stopped()) ?? { state: 'stopped' };
  }

  async wait(id: string, signal?: AbortSignal): Promise<ExitStatus> {
    const p = await this.load(id);
    let warned = false;
    // A monitor that died (kill -9) writes no exit file: once host and monitor are both gone, the exit is unknown (255).
    const check = async (): Promise<string | undefined> => {
      const rec = await readJson<HostRecord>(p.host);
      if (!rec || (await isAlive(rec.monitorPid, rec.monitorStartTime))) return undefined;
      if (await exists(p.exit)) return 'exit';
      if (await isAlive(rec.pid, rec.startTime)) {
        if (!warned) this.o.logger.warn('wasm: the task\'s monitor is gone; its exit code will be unknown', { id });
        warned = true;
        return undefined;
      }
      return 'lost';
    };
    const seen = await waitForFiles(p.dir, ['exit'], { signal, check, pollMs: 500, watchedPollMs: MONITOR_POLL_MS });
    const exit = seen === 'exit' ? await readExitSoon(p.exit) : undefined;
    if (!exit) return { exitCode: 255, exitedAt: new Date() };
    const oom = (await readJson<HostStatus>(p.status))?.reason === 'memory-limit';
    return { ...exit, ...(oom ? { oomKilled: true } : {}) };
  }

  async delete(id: string): Promise<void> {
    const p = taskPaths(this.o.stateDir, id);
    const rec = await readJson<HostRecord>(p.host);
    if (rec && !(await exists(p.exit))) {
      if (await isAlive(rec.pid, rec.startTime)) process.kill(rec.pid, 'SIGKILL');
      await waitForFiles(p.dir, ['exit'], { signal: AbortSignal.timeout(2000), pollMs: 20 }).catch(() => undefined);
    }
    // The monitor exits right after it wrote the exit file: gone before delete returns.
    if (rec) await until(async () => !(await isAlive(rec.monitorPid, rec.monitorStartTime)), 1000);
    if (rec?.standbyDir) await fs.rm(rec.standbyDir, { recursive: true, force: true, maxRetries: 3 });
    await fs.rm(p.dir, { recursive: true, force: true, maxRetries: 3 });
    this.memoryPages.delete(id);
  }

  async attach(id: string, streams: AttachStreams): Promise<AttachSession> {
    const p = await this.load(id);
    if (await exists(p.exit)) throw notRunning(id);
    const cfg = (await readJson<WasmTaskConfig>(p.config))!;
    const stop = cfg.stdin && streams.stdin ? forwardStdin(cfg.stdin.fifo, streams.stdin) : undefined;
    const session = followLog(cfg.logPath, streams, (signal) => this.wait(id, signal));
    void session.done.finally(() => stop?.());
    return session;
  }

  /** No terminal to resize (capabilities.tty is false); a no-op while the task runs. */
  async resize(id: string): Promise<void> {
    const p = await this.load(id);
    if (await exists(p.exit)) throw notRunning(id);
  }

  async exec(): Promise<ExecSession> {
    throw new ForgeError('NotImplemented', 'exec is not available for WebAssembly containers: a module is one program, there is no second process to run', {
      details: { reason: 'not-applicable' },
    });
  }

  async pids(id: string): Promise<number[]> {
    const p = await this.load(id);
    const rec = await readJson<HostRecord>(p.host);
    return rec && (await isAlive(rec.pid, rec.startTime)) ? [rec.pid] : [];
  }

  /** What the host process of a live instance uses (usage.ts); undefined once it has ended. */
  async stats(id: string): Promise<ResourceStats | undefined> {
    const p = taskPaths(this.o.stateDir, id);
    const rec = await readJson<HostRecord>(p.host);
    if (!rec || !(await isAlive(rec.pid, rec.startTime))) return undefined;
    let pages = this.memoryPages.get(id);
    if (pages === undefined) {
      pages = (await readJson<WasmTaskConfig>(p.config))?.memoryPages ?? 0;
      this.memoryPages.set(id, pages);
    }
    const usage = await procUsage(rec.pid);
    return usage ? instanceStats(usage, pages || undefined) : undefined;
  }

  /** Ends the standby hosts (daemon stop); tasks keep running. */
  close(): Promise<void> {
    return this.pool.drain();
  }

  private async load(id: string): Promise<WasmTaskPaths> {
    const p = taskPaths(this.o.stateDir, id);
    if (!(await exists(p.config))) throw new ForgeError('NotFound', `no such task: ${id}`, { details: { id } });
    return p;
  }

  /** The task's host, alive and not exited; FailedPrecondition (reason not-running) otherwise. */
  private async running(id: string, verb: string): Promise<{ p: WasmTaskPaths; rec: HostRecord }> {
    const p = await this.load(id);
    const rec = await readJson<HostRecord>(p.host);
    if (!rec) throw new ForgeError('FailedPrecondition', `cannot ${verb} task ${id}: it is still being created`);
    if ((await exists(p.exit)) || !(await isAlive(rec.pid, rec.startTime))) throw notRunning(id);
    return { p, rec };
  }
}

function notRunning(id: string): ForgeError {
  return new ForgeError('FailedPrecondition', `task ${id} is not running`, { details: { id, reason: 'not-running' } });
}

function unsupported(what: string, reason: string): ForgeError {
  return new ForgeError('InvalidArgument', `the wasm engine does not support ${what}`, { details: { reason: `${reason}-unsupported` } });
}

async function readModule(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' || code === 'ENOTDIR' ? 'command-not-found' : 'command-not-executable';
    throw new ForgeError('InvalidArgument', `cannot read the module ${file}: ${(err as Error).message}`, { cause: err, details: { reason } });
  }
}

async function checkPreopen(host: string, guest: string): Promise<void> {
  const st = await fs.stat(host).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new ForgeError('InvalidArgument', `cannot preopen ${host} at ${guest}: the wasm engine mounts directories only`, { details: { reason: 'preopen-not-dir' } });
  }
}

/** The host code's identity: the newest mtime of the files it loads (the engine's dir and the log format). */
function hostBuild(script: string): string {
  const wasmDir = path.dirname(path.dirname(script));
  let newest = 0;
  for (const dir of [wasmDir, path.join(wasmDir, '..', 'logs')]) {
    try {
      for (const f of readdirSync(dir, { recursive: true }) as string[]) {
        if (f.endsWith('.js')) newest = Math.max(newest, statSync(path.join(dir, f)).mtimeMs);
      }
    } catch {
      // not there (a test's fake script): the build is its own
    }
  }
  return `${script}@${newest}`;
}

async function until(cond: () => Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}
