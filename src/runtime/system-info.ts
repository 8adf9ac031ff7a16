/** `version` and `info`: what this daemon is and what it runs on. */
import * as os from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import type { SystemInfo, VersionInfo } from '../config/api-types';
import type { RuntimeContext } from './context';

/** The Docker Engine API versions the compatibility layer speaks. */
export const API_VERSION = '1.50';
export const MIN_API_VERSION = '1.24';

export function version(rt: RuntimeContext): VersionInfo {
  return {
    Version: rt.version,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    Os: process.platform,
    Arch: rt.hostPlatform.architecture,
    KernelVersion: os.release(),
    NodeVersion: process.version,
    GitCommit: process.env.FORGEONE_GIT_COMMIT ?? 'unknown',
    BuildTime: rt.startedAt.toISOString(),
  };
}

export function systemInfo(rt: RuntimeContext): SystemInfo {
  const states = rt.containers.allStates();
  const runtimes: SystemInfo['Runtimes'] = {};
  for (const name of ['crun', 'runc']) {
    const path = findExecutable(name);
    runtimes[name] = { path: path ?? name, available: path !== undefined };
  }
  return {
    ID: hostId(),
    Name: os.hostname(),
    ServerVersion: rt.version,
    Images: rt.images.list().length,
    Containers: states.length,
    ContainersRunning: states.filter((s) => s.status === 'running' || s.status === 'restarting').length,
    ContainersPaused: states.filter((s) => s.status === 'paused').length,
    ContainersStopped: states.filter((s) => s.status === 'exited' || s.status === 'created' || s.status === 'dead').length,
    Driver: 'overlay',
    DockerRootDir: rt.paths.root,
    RunRoot: rt.paths.runroot,
    KernelVersion: os.release(),
    OperatingSystem: osName(),
    OSType: process.platform,
    Architecture: os.machine(),
    NCPU: os.cpus().length,
    MemTotal: os.totalmem(),
    CgroupVersion: cgroupVersion(),
    CgroupDriver: 'cgroupfs',
    DefaultRuntime: rt.config.runtime,
    Runtimes: runtimes,
    RegistryConfig: { InsecureRegistryCIDRs: rt.config['insecure-registries'], Mirrors: rt.config['registry-mirrors'] },
    SecurityOptions: ['name=seccomp,profile=builtin', 'name=no-new-privileges'],
    StartedAt: rt.startedAt.toISOString(),
    Pid: process.pid,
  };
}

function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin').split(':')) {
    const candidate = `${dir}/${name}`;
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}

/** "2" on a pure cgroup2 host; "1" on v1 or hybrid hosts (see HOST-NOTES item 1). */
function cgroupVersion(): string {
  return existsSync('/sys/fs/cgroup/cgroup.controllers') ? '2' : '1';
}

function hostId(): string {
  try {
    return readFileSync('/etc/machine-id', 'utf8').trim();
  } catch {
    return os.hostname();
  }
}
