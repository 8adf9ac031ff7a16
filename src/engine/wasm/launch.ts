/**
 * Starts a host process under its monitor. The monitor is a POSIX shell (dash: ~0.5 MB) that
 * runs the host, waits for it, and writes its exit code to `<task dir>/exit` when the host could
 * not (killed by a signal: 137 for SIGKILL), as conmon does for native tasks, so nothing depends
 * on the daemon being up. A standby host (pool.ts) learns its task only later; it names the task
 * dir in `task-dir`, where the monitor looks when the host ends. The standby's own dir is left
 * for the engine to remove with the task (host.json names it).
 *
 * Both are spawned detached (a session of their own, so a signal to the daemon's process group
 * never reaches them) and unreferenced: the daemon may exit while they run.
 */
import { spawn } from 'node:child_process';
import { ForgeError } from '../../errors';

/**
 * $1 = the dir to run in; the rest is the host's command line. Builtins only, so a host's end
 * costs no fork: the host writes the exit file itself when the module ends (host/task.ts), so
 * the monitor writes it only when the host was killed (then a single short write, which readers
 * treat as absent until it holds a number). Core dumps are off: a crashing host must not fill
 * the disk.
 */
export const MONITOR_SCRIPT = [
  'd=$1; shift',
  'ulimit -c 0',
  '"$@" </dev/null >>"$d/host.log" 2>&1',
  'c=$?',
  't=$d',
  '[ -f "$d/task-dir" ] && read -r t <"$d/task-dir"',
  '[ -d "$t" ] && [ ! -e "$t/exit" ] && echo "$c" >"$t/exit"',
].join('\n');

export interface LaunchOptions {
  /** Node binary. */
  nodePath: string;
  /** dist/src/engine/wasm/host/main.js */
  hostScript: string;
  /** Node flags for the host. */
  nodeFlags: string[];
  /** `run` (task known) or `standby` (module known, task later). */
  mode: 'run' | 'standby';
  dir: string;
  shell?: string;
}

/** Node flags that keep a host small: few V8 threads (1000 instances fit in pid_max), a small JS heap. */
export const DEFAULT_NODE_FLAGS = ['--disable-warning=ExperimentalWarning', '--v8-pool-size=1', '--max-semi-space-size=1', '--max-old-space-size=64'];

/**
 * A host never speaks TLS, and Node parses NODE_EXTRA_CA_CERTS at the start of every process
 * (~35 ms for a system bundle): each cold start would pay it.
 */
export function hostEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _extra, FORGEONE_NODE_EXTRA_CA_CERTS: _handedOver, ...rest } = env;
  return rest;
}

/** Spawns monitor + host; resolves with the monitor's PID once the spawn succeeded. */
export function launchHost(o: LaunchOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(o.shell ?? '/bin/sh', ['-c', MONITOR_SCRIPT, 'forgeone-wasm-monitor', o.dir, o.nodePath, ...o.nodeFlags, o.hostScript, o.mode, o.dir], {
      detached: true,
      stdio: 'ignore',
      cwd: '/',
      env: hostEnv(process.env),
    });
    child.once('error', (err) => reject(new ForgeError('FailedPrecondition', `cannot start the wasm host: ${err.message}`, { cause: err, hint: 'is /bin/sh installed?' })));
    child.once('spawn', () => {
      child.unref();
      resolve(child.pid!);
    });
  });
}
