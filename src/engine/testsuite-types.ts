/** Terms of the engine conformance suite (testsuite.ts): task behaviours and the harness an engine provides. */
import type { TestContext } from 'node:test';
import type { Engine, EngineCapabilities, ExecSpec, TaskSpec } from './types';

/** What a task does; the harness turns it into a program. */
export type TaskBehaviour =
  | { kind: 'exit'; code: number }
  | { kind: 'output'; stdout: string; stderr: string }
  /** Runs until killed; PID 1 installs no SIGTERM handler, so SIGTERM does not end it. */
  | { kind: 'sleep' }
  /** Copies stdin to stdout until EOF, then exits 0. */
  | { kind: 'cat' }
  | { kind: 'missing-command' };

export interface MakeTaskOptions {
  behaviour: TaskBehaviour;
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
}

export interface EngineHarness {
  engine: Engine;
  /** A new engine over the same directories, as after a daemon restart. */
  reopen(): Engine;
  /** A task with a prepared root filesystem and a fresh ID. */
  makeTask(options: MakeTaskOptions): Promise<TaskSpec>;
  makeExec(task: TaskSpec, behaviour: TaskBehaviour, options?: { tty?: boolean; stdin?: boolean }): ExecSpec;
  /** What of task `id` is still on the host (processes, mounts), described for the failure message. */
  leftovers(id: string): Promise<string[]>;
  cleanup(): Promise<void>;
}

export type EngineFactory = (dir: string) => Promise<EngineHarness>;

/** One case of the suite: runs with a fresh harness; the runner deletes its tasks and checks for leaks. */
export type Case = (h: EngineHarness, t: TestContext) => Promise<void>;

/** What case files get from the runner. */
export interface SuiteContext {
  /**
   * Defines a case, skipped as not applicable (with the reason) where the engine lacks `cap`;
   * `!cap` defines one for engines without it (its counterpart).
   */
  gated(cap: keyof EngineCapabilities | `!${keyof EngineCapabilities}` | undefined, title: string, body: Case): void;
  /** makeTask + create + start. */
  run(h: EngineHarness, o: MakeTaskOptions): Promise<TaskSpec>;
}
