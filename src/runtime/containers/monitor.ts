/**
 * Watches every live task and records its exit: persist the exited state first, then emit
 * `/tasks/exit`, then apply the restart policy (with backoff) or auto-remove. Waiters (stop,
 * wait, run) are told once the exit is on disk.
 */
import { EventEmitter } from 'node:events';
import { transition, hasLiveTask } from '../../lifecycle/container-states';
import { decideRestart } from '../../scheduler/restart-policy';
import type { ExitStatus } from '../../engine/types';
import type { RuntimeContext } from '../context';
import { reload } from './find-container';

export interface RecordedExit {
  exitCode: number;
  finishedAt: number;
}

export class ExitMonitor {
  private readonly watching = new Map<string, AbortController>();
  private readonly exits = new EventEmitter();
  private readonly restartTimers = new Map<string, NodeJS.Timeout>();
  private rt: RuntimeContext | undefined;
  /** Set by the restart path; the monitor calls it to run a container again. */
  restartHook: ((rt: RuntimeContext, id: string) => Promise<void>) | undefined;
  /** Set by the remove path; called for --rm containers once they exited. */
  autoRemoveHook: ((rt: RuntimeContext, id: string) => Promise<void>) | undefined;
  /** Called under the container's lock once an exit is persisted: releases its network (issue 7). */
  exitHook: ((rt: RuntimeContext, id: string) => Promise<void>) | undefined;

  constructor() {
    this.exits.setMaxListeners(0);
  }

  bind(rt: RuntimeContext): void {
    this.rt = rt;
  }

  isWatching(id: string): boolean {
    return this.watching.has(id);
  }

  /** Starts watching a task (idempotent). */
  watch(id: string, engineKind: string): void {
    const rt = this.rt;
    if (!rt || this.watching.has(id)) return;
    const controller = new AbortController();
    this.watching.set(id, controller);
    const engine = rt.engine(engineKind as Parameters<RuntimeContext['engine']>[0]);
    engine
      .wait(id, controller.signal)
      .then((exit) => this.recordExit(id, exit))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) rt.logger.error('waiting for a task failed', { id, error: (err as Error).message });
      })
      .finally(() => {
        if (this.watching.get(id) === controller) this.watching.delete(id);
      });
  }

  unwatch(id: string): void {
    this.watching.get(id)?.abort();
    this.watching.delete(id);
    const timer = this.restartTimers.get(id);
    if (timer) clearTimeout(timer);
    this.restartTimers.delete(id);
  }

  /** Resolves after the next exit of `id` has been persisted. */
  nextExit(id: string, signal?: AbortSignal): Promise<RecordedExit> {
    return new Promise((resolve, reject) => {
      const onExit = (e: RecordedExit) => resolve(e);
      this.exits.once(id, onExit);
      signal?.addEventListener('abort', () => {
        this.exits.off(id, onExit);
        reject(signal.reason);
      });
    });
  }

  stopAll(): void {
    for (const id of [...this.watching.keys()]) this.unwatch(id);
    for (const timer of this.restartTimers.values()) clearTimeout(timer);
    this.restartTimers.clear();
  }

  /** Records an exit (from the engine's wait, or found at recovery). */
  async recordExit(id: string, exit: ExitStatus): Promise<void> {
    const rt = this.rt;
    if (!rt) return;
    let decision: ReturnType<typeof decideRestart> | undefined;
    let autoRemove = false;
    await rt.containerLocks.with(id, async () => {
      let c;
      try {
        c = reload(rt, id);
      } catch {
        return; // removed meanwhile
      }
      if (!hasLiveTask(c.state.status)) {
        this.exits.emit(id, { exitCode: c.state.exitCode ?? exit.exitCode, finishedAt: c.state.finishedAt ?? Date.now() });
        return;
      }
      const { next } = transition(c.state.status, 'exit', c.record.name);
      const finishedAt = exit.exitedAt.getTime();
      rt.containers.updateState(id, { status: next, exitCode: exit.exitCode, finishedAt, oomKilled: exit.oomKilled ?? false, pid: 0, monitorPid: 0 });
      rt.events.publish('/tasks/exit', id, { name: c.record.name, exitCode: String(exit.exitCode) });
      this.exits.emit(id, { exitCode: exit.exitCode, finishedAt });
      await this.exitHook?.(rt, id).catch((err: unknown) => rt.logger.warn('releasing the network after an exit failed', { id, error: (err as Error).message }));
      decision = decideRestart(c.config.restartPolicy, {
        exitCode: exit.exitCode,
        stoppedByUser: c.state.stoppedByUser,
        restartCount: c.state.restartCount,
        ranForMs: finishedAt - (c.state.startedAt ?? finishedAt),
        lastDelayMs: c.state.lastBackoffMs,
      });
      if (decision.restart) {
        rt.containers.updateState(id, { status: transition('exited', 'scheduleRestart').next, lastBackoffMs: decision.delayMs });
      } else {
        autoRemove = c.config.autoRemove;
      }
    });
    if (decision?.restart) this.scheduleRestart(id, decision.delayMs);
    else if (autoRemove && this.autoRemoveHook) {
      await this.autoRemoveHook(rt, id).catch((err: unknown) => rt.logger.warn('auto-remove failed', { id, error: (err as Error).message }));
    }
  }

  scheduleRestart(id: string, delayMs: number): void {
    const rt = this.rt;
    if (!rt || !this.restartHook) return;
    const timer = setTimeout(() => {
      this.restartTimers.delete(id);
      this.restartHook!(rt, id).catch((err: unknown) => rt.logger.warn('restart failed', { id, error: (err as Error).message }));
    }, delayMs);
    timer.unref();
    this.restartTimers.set(id, timer);
  }
}
