/**
 * The Engine contract: what runs a container's task (its process tree, WASM instance or VM).
 *
 * Terms. A *task* is the running part of a container; ForgeOne's runtime owns the container
 * (config, name, state record, rootfs) and asks an engine to create, start, signal and delete its
 * task. Engines are stateless across daemon restarts: everything they need to find a task again
 * is on disk under the directories they were given, keyed by container ID, so a new daemon
 * re-adopts tasks by calling `status` and `wait`.
 *
 * Lifecycle of a task: create → (start) → running ⇄ paused → stopped (exit recorded) → delete.
 * A task's process is never a child of the daemon (conmon, a WASM host process or QEMU holds it).
 * Its stdout and stderr go to the container's log file in the k8s-file format
 * (`<RFC3339Nano> stdout|stderr F|P <text>`), whatever the engine.
 */
import type { Readable, Writable } from 'node:stream';
import type { RuntimeSpec } from '../config/runtime-spec';
import type { ResourceStats } from '../config/container-stats';

export type EngineKind = 'native' | 'wasm' | 'microvm';

/** What an engine can do; the conformance suite marks the rest not applicable. */
export interface EngineCapabilities {
  exec: boolean;
  pause: boolean;
  tty: boolean;
  /** Attaching to stdin of a running task. */
  stdin: boolean;
  /**
   * The task's program can catch or ignore signals, so PID 1 without a handler survives SIGTERM
   * (a Linux process). False where it cannot (a WASI module): every terminating signal ends the
   * task at once with 128+n.
   */
  signalHandlers: boolean;
}

export interface TaskSpec {
  /** Container ID (64 hex). */
  id: string;
  /** The OCI runtime spec; `root.path` is the prepared rootfs (an absolute path). */
  spec: RuntimeSpec;
  /** Where the task's output is logged (k8s-file format). */
  logPath: string;
  /** Rotate the log when it reaches this many bytes (0: never). */
  logMaxSize: number;
  /** Keep stdin open for a later attach (`-i`). */
  stdin: boolean;
  /**
   * Docker's StdinOnce: close the task's stdin when the first attached client that sent stdin
   * ends it or disconnects (`docker run -i` in the foreground). Default false: stdin stays open
   * across attach sessions, so detaching does not end an interactive shell.
   */
  stdinOnce?: boolean;
  /** Allocate a terminal (`-t`); spec.process.terminal is true too. */
  tty: boolean;
}

export interface TaskInfo {
  /** PID of the task's first process (the container's PID 1), in the host's PID namespace. */
  pid: number;
  /** PID of the monitor holding it (conmon, the WASM host), or 0. */
  monitorPid: number;
}

export type TaskState = 'created' | 'running' | 'paused' | 'stopped' | 'unknown';

export interface TaskStatus {
  state: TaskState;
  pid?: number;
  /** Set once the task exited. */
  exitCode?: number;
  exitedAt?: Date;
  oomKilled?: boolean;
}

export interface ExitStatus {
  exitCode: number;
  exitedAt: Date;
  oomKilled?: boolean;
}

export interface AttachStreams {
  stdin?: Readable;
  stdout?: Writable;
  /** Absent with a TTY (one stream). */
  stderr?: Writable;
}

export interface AttachSession {
  /** Resolves when the task's output ends or the session is detached. */
  done: Promise<void>;
  /** Stops forwarding without touching the task. */
  detach(): void;
}

export interface ExecSpec {
  /** Exec session ID, unique per container. */
  execId: string;
  args: string[];
  env: string[];
  cwd: string;
  user: { uid: number; gid: number; additionalGids?: number[] };
  tty: boolean;
  stdin: boolean;
  /** Capabilities and no_new_privileges are inherited from the container's spec. */
  spec: RuntimeSpec;
}

export interface ExecSession {
  pid: number;
  /** Resolves with the exec'd process's exit code. */
  exitCode: Promise<number>;
  resize(size: TerminalSize): Promise<void>;
}

export interface TerminalSize {
  rows: number;
  cols: number;
}

export interface Engine {
  readonly kind: EngineKind;
  readonly capabilities: EngineCapabilities;

  /**
   * Creates the task; it does not run the user's process yet. Fails with the runtime's reason:
   * a command that does not exist or cannot be executed is InvalidArgument with
   * details.reason 'command-not-found' / 'command-not-executable' (the CLI exits 127 / 126).
   */
  create(task: TaskSpec): Promise<TaskInfo>;
  /** Runs the created task's process. */
  start(id: string): Promise<void>;
  /**
   * Sends a signal (`SIGTERM`, `TERM`, `9`) to PID 1, or to every process with `all`.
   * FailedPrecondition (details.reason 'not-running') when the task is not running.
   */
  kill(id: string, signal: string, options?: { all?: boolean }): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** The task's status now, from the runtime and the monitor's exit file. NotFound when unknown. */
  status(id: string): Promise<TaskStatus>;
  /**
   * Resolves when the task has exited (at once if it already has), with its exit status; rejects
   * with `signal.reason` when aborted. An exit nobody could record (the monitor itself died) is
   * reported as exit code 255 rather than waited for forever.
   */
  wait(id: string, signal?: AbortSignal): Promise<ExitStatus>;
  /**
   * Removes the runtime's state of a task (killing it first if it still runs). Idempotent: an
   * unknown ID is not an error.
   */
  delete(id: string): Promise<void>;
  /**
   * Connects streams to the task's stdio (a created task too: attach before start loses no
   * output). stdin is forwarded only to a task created with `stdin`. FailedPrecondition once the
   * task's monitor is gone.
   */
  attach(id: string, streams: AttachStreams): Promise<AttachSession>;
  /** Resizes the task's terminal. */
  resize(id: string, size: TerminalSize): Promise<void>;
  /** Runs another process in the task (NotImplemented where capabilities.exec is false). */
  exec(id: string, spec: ExecSpec, streams: AttachStreams): Promise<ExecSession>;
  /** PIDs of the task's processes, host view (for `top`). */
  pids(id: string): Promise<number[]>;
  /**
   * Optional (metrics, issue 6): what a task uses, for engines whose tasks have no cgroup of
   * their own (a WASM instance inside a shared host process: its memory pages, its worker's CPU
   * time). Report what can be measured and leave the rest out. Engines whose tasks have a cgroup
   * (native) do not implement it: the runtime reads their cgroup through metrics/. Undefined
   * when the task is not running.
   */
  stats?(id: string): Promise<ResourceStats | undefined>;
}

/** How an engine implementation registers itself (STYLE.md 9). */
export interface EngineDescriptor<C = unknown> {
  kind: 'engine';
  id: EngineKind;
  create(config: C): Engine;
}
