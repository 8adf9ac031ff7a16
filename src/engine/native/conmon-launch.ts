/**
 * Starts conmon and reads its answer. conmon double-forks (its first process exits in a few ms),
 * so the task is never our child; we keep only the pipe ends: fd 3 is the sync pipe
 * (`_OCI_SYNCPIPE`), and for an exec session fd 4 the start pipe and fd 5 the attach pipe.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { ForgeError } from '../../errors';
import { LineReader, readSyncMessage, type SyncMessage } from './sync-pipe';
import { runtimeError } from './runtime-errors';

export interface ConmonLaunchOptions {
  conmonPath: string;
  args: string[];
  /** conmon's working directory (it writes an `oom` file there on cgroup v1). */
  cwd: string;
  /** Add the start and attach pipes of an exec session. */
  execPipes?: boolean;
}

export interface ConmonHandle {
  sync: LineReader;
  /** Exec only: write a byte to let conmon go on (once at start, once after attaching). */
  start?: Writable;
  /** Exec only: conmon writes `{"data": 0}` here once its attach socket listens. */
  attach?: LineReader;
  /** What conmon's first process printed before it detached (argument errors). */
  stderr(): string;
  /** Resolves with the first process's exit code (it exits right after forking). */
  firstExit: Promise<number>;
  close(): void;
}

/**
 * conmon and the runtime it runs get PATH and a UTF-8 locale, nothing else of the daemon's
 * environment (as Podman's conmon_env_vars): the daemon's may hold credentials or Node options
 * that would otherwise sit in every monitor for the container's life. The locale matters: under
 * the plain C locale conmon's glib loads charset conversion modules, 2.37 MB of RSS per conmon
 * instead of 1.98 (measured, 20 idle containers); C.UTF-8 is built into glibc.
 */
export function monitorEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { PATH: env.PATH || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };
}

export function launchConmon(o: ConmonLaunchOptions): ConmonHandle {
  const extra = o.execPipes ? ['pipe', 'pipe', 'pipe'] : ['pipe'];
  const env: NodeJS.ProcessEnv = { ...monitorEnv(process.env), _OCI_SYNCPIPE: '3' };
  if (o.execPipes) Object.assign(env, { _OCI_STARTPIPE: '4', _OCI_ATTACHPIPE: '5' });
  const child = spawn(o.conmonPath, o.args, {
    cwd: o.cwd,
    env,
    // A session of its own, so a signal to the daemon's process group never reaches it.
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', ...(extra as Array<'pipe'>)],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (stderr.length < 64 * 1024) stderr += d;
  });
  const firstExit = new Promise<number>((resolve) => {
    child.on('error', (err) => {
      stderr += `cannot run ${o.conmonPath}: ${err.message}`;
      resolve(-1);
    });
    child.on('exit', (code) => resolve(code ?? -1));
  });
  const pipes = child.stdio as unknown as Array<NodeJS.ReadableStream | NodeJS.WritableStream | null>;
  const sync = new LineReader(pipes[3] as Readable);
  const handle: ConmonHandle = {
    sync,
    stderr: () => stderr.trim(),
    firstExit,
    close() {
      sync.close();
      handle.attach?.close();
      handle.start?.destroy();
      child.stderr?.destroy();
    },
  };
  if (o.execPipes) {
    handle.start = pipes[4] as Writable;
    handle.attach = new LineReader(pipes[5] as Readable);
    // conmon may exit before reading the start pipe; an EPIPE there is reported through the sync pipe.
    handle.start.on('error', () => undefined);
  }
  return handle;
}

/**
 * The first sync message: the PID of the created process, or conmon's/the runtime's error.
 * A negative `data` is a failure whose `message` is the runtime's stderr.
 */
export async function expectPid(handle: ConmonHandle, timeoutMs: number, what: string, details: Record<string, unknown>): Promise<number> {
  let msg: SyncMessage | undefined;
  try {
    msg = await readSyncMessage(handle.sync, timeoutMs, what);
  } catch (err) {
    handle.close();
    throw err;
  }
  if (msg === undefined) {
    // The pipe closed with no message: conmon died early (bad arguments, missing binary).
    const code = await Promise.race([handle.firstExit, new Promise<number>((r) => setTimeout(() => r(-1), 1000).unref())]);
    handle.close();
    const text = handle.stderr() || `conmon exited (${code}) without reporting`;
    throw runtimeError(what, text, details);
  }
  if (msg.data < 0) {
    handle.close();
    throw runtimeError(what, msg.message ?? `conmon reported ${msg.data}`, details);
  }
  if (msg.data === 0) {
    handle.close();
    throw new ForgeError('Internal', `${what}: conmon reported PID 0`, { details });
  }
  return msg.data;
}
