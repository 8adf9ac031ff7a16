/**
 * conmon's command line, as Podman 4 builds it (HOST-NOTES 7). Pure, so the exact invocation is
 * unit-tested. conmon only runs `<runtime> create` (or `exec`); the engine runs `start` itself.
 */
import type { OciRuntimeName } from './options';

export interface ConmonCommon {
  /** Container ID: the runtime's name for it and the exit file's name. */
  id: string;
  runtime: OciRuntimeName;
  runtimePath: string;
  runtimeRoot: string;
  /** The bundle dir conmon passes to the runtime; attach socket and ctl/winsz FIFOs go here. */
  bundleDir: string;
  pidFile: string;
  conmonPidFile: string;
  exitDir: string;
  logPath: string;
  /** Rotate the log at this size (bytes); 0 or less: never. */
  logMaxSize: number;
  tty: boolean;
  stdin: boolean;
}

export interface ConmonCreateArgs extends ConmonCommon {
  persistDir: string;
  /** Keep the container's stdin open when an attached client disconnects (Docker's !StdinOnce). */
  leaveStdinOpen: boolean;
}

export interface ConmonExecArgs extends ConmonCommon {
  execId: string;
  processSpec: string;
}

/** Global runtime flags conmon passes before the verb: our state root and, for crun, cgroupfs (no systemd here). */
export function runtimeGlobalArgs(runtime: OciRuntimeName, runtimeRoot: string): string[] {
  const args = [`--root=${runtimeRoot}`];
  // runc uses cgroupfs unless --systemd-cgroup; crun 1.8 takes --cgroup-manager.
  if (runtime === 'crun') args.push('--cgroup-manager=cgroupfs');
  return args;
}

function common(o: ConmonCommon, uuid: string): string[] {
  const args = [
    '--api-version', '1',
    '-c', o.id,
    '-u', uuid,
    '-r', o.runtimePath,
    '-b', o.bundleDir,
    '-p', o.pidFile,
    '-n', o.id,
    '--exit-dir', o.exitDir,
    // The attach socket is made in the bundle dir at its full path; we connect through
    // /proc/self/fd/N/attach, so the 108-byte sun_path limit never bites.
    '--full-attach',
    '--socket-dir-path', o.bundleDir,
    '-l', `k8s-file:${o.logPath}`,
    '--conmon-pidfile', o.conmonPidFile,
    '--log-level', 'info',
  ];
  if (o.logMaxSize > 0) args.push('--log-size-max', String(o.logMaxSize));
  if (o.tty) args.push('-t');
  if (o.stdin) args.push('-i');
  for (const a of runtimeGlobalArgs(o.runtime, o.runtimeRoot)) args.push('--runtime-arg', a);
  return args;
}

export function conmonCreateArgs(o: ConmonCreateArgs): string[] {
  const args = [...common(o, o.id), '--persist-dir', o.persistDir];
  if (o.stdin && o.leaveStdinOpen) args.push('--leave-stdin-open');
  return args;
}

/**
 * An exec session: conmon runs `<runtime> exec --detach --process <spec>`; `--exec-attach` makes it
 * wait (on the start pipe) until we connected to its attach socket, so no output is lost.
 */
export function conmonExecArgs(o: ConmonExecArgs): string[] {
  return [...common(o, o.execId), '--exec', '--exec-process-spec', o.processSpec, '--exec-attach'];
}
