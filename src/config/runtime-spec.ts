/**
 * The OCI runtime spec (config.json of a bundle), the part ForgeOne writes. Field names are the
 * spec's own; see opencontainers/runtime-spec config.md and config-linux.md.
 */

export interface RuntimeSpec {
  ociVersion: string;
  process: RuntimeProcess;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts: RuntimeMount[];
  linux?: RuntimeLinux;
  annotations?: Record<string, string>;
}

export interface RuntimeProcess {
  terminal?: boolean;
  consoleSize?: { height: number; width: number };
  user: { uid: number; gid: number; umask?: number; additionalGids?: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities?: {
    bounding?: string[];
    effective?: string[];
    inheritable?: string[];
    permitted?: string[];
    ambient?: string[];
  };
  rlimits?: Array<{ type: string; hard: number; soft: number }>;
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
  selinuxLabel?: string;
}

export interface RuntimeMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface RuntimeLinux {
  namespaces: Array<{ type: 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup'; path?: string }>;
  uidMappings?: Array<{ containerID: number; hostID: number; size: number }>;
  gidMappings?: Array<{ containerID: number; hostID: number; size: number }>;
  devices?: Array<{ type: string; path: string; major?: number; minor?: number; fileMode?: number; uid?: number; gid?: number }>;
  cgroupsPath?: string;
  resources?: {
    devices?: Array<{ allow: boolean; type?: string; major?: number; minor?: number; access?: string }>;
    memory?: { limit?: number; reservation?: number; swap?: number; disableOOMKiller?: boolean };
    cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
    pids?: { limit: number };
    blockIO?: { weight?: number };
  };
  sysctl?: Record<string, string>;
  seccomp?: SeccompProfile;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  mountLabel?: string;
  rootfsPropagation?: string;
}

export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  syscalls: Array<{ names: string[]; action: string; errnoRet?: number; args?: Array<{ index: number; value: number; valueTwo?: number; op: string }> }>;
}
