/**
 * buildRuntimeSpec: the OCI runtime spec (a bundle's config.json) of a container, from what the
 * user asked for and its image, with ForgeOne's secure defaults (DESIGN.md section 6). Pure
 * apart from reading a seccomp profile a user names by path: everything else on the host (the
 * rootfs, /etc files, volumes, the daemon's limits, a network namespace) is resolved by the
 * caller and passed in, so the whole mapping is unit-tested without root.
 */
import type { ContainerConfig } from '../../config/container-config';
import type { ImageConfig } from '../../config/oci-image';
import type { RuntimeLinux, RuntimeSpec } from '../../config/runtime-spec';
import { errors } from '../../errors';
import type { EtcFiles } from '../../security/mounts';
import { defaultRlimits } from '../../security/rlimits';
import { defaultNetworkSysctls } from '../../security/sysctls';
import { resolveCommand } from './command';
import { buildEnv } from './env';
import { buildMounts, INIT_PATH_IN_CONTAINER } from './mounts';
import { buildResources } from './resources';
import { buildSecurity, type SecurityEnv } from './security';
import { resolveUser } from './user';

export const OCI_VERSION = '1.0.2';
export const ANNOTATION_CONTAINER_ID = 'io.forgeone.container.id';
export const ANNOTATION_CONTAINER_NAME = 'io.forgeone.container.name';

export interface BuildSpecInput {
  /** Container ID (64 hex); its first 12 characters are the default hostname. */
  id: string;
  config: ContainerConfig;
  image: ImageConfig;
  /** Absolute host path of the prepared root filesystem. */
  rootfs: string;
  /** Host paths of the /etc/hosts, /etc/hostname and /etc/resolv.conf the runtime wrote. */
  hostsFiles: EtcFiles;
  /** Host paths of volumes by mount target (the user's and the image's), resolved by the caller. */
  volumeSources?: Record<string, string>;
  /** Contents of the image's /etc/passwd and /etc/group, for `-u name[:group]`. */
  passwd?: string;
  group?: string;
  /** The daemon's own hard limits (security/rlimits.ts readHostLimits). */
  limits: { nofileHard: number; nprocHard?: number };
  /** Host path of the init binary (catatonit), required with config.init. */
  initPath?: string;
  /** Parent cgroup path. Default `/forgeone`. */
  cgroupParent?: string;
  /** Namespaces to join instead of creating; network: a netns path (e.g. from CNI). */
  namespaces?: { network?: string };
  /** Seams for reading a seccomp profile and the host's arch/kernel (tests). */
  securityEnv?: SecurityEnv;
}

function cgroupsPath(parent: string | undefined, id: string): string {
  const base = (parent ?? '/forgeone').replace(/\/+$/, '');
  if (!base.startsWith('/') || base.split('/').includes('..')) {
    throw errors.invalidArgument(`cgroup parent "${parent}" must be an absolute path without ".."`);
  }
  return `${base}/${id}`;
}

function namespaces(input: BuildSpecInput): RuntimeLinux['namespaces'] {
  const mode = input.config.networkMode;
  if (mode.startsWith('container:')) {
    throw errors.notImplemented(`network mode "${mode}" is not supported yet`, {
      hint: 'omit --network for an isolated network namespace',
    });
  }
  const net = input.namespaces?.network;
  return [
    { type: 'pid' },
    { type: 'ipc' },
    { type: 'uts' },
    { type: 'mount' },
    net ? { type: 'network', path: net } : { type: 'network' },
    { type: 'cgroup' },
  ].filter((ns) => !(mode === 'host' && ns.type === 'network')) as RuntimeLinux['namespaces'];
}

export function buildRuntimeSpec(input: BuildSpecInput): RuntimeSpec {
  const { id, config, image } = input;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(id)) throw errors.invalidArgument(`invalid container id "${id}"`);
  if (!input.rootfs.startsWith('/')) throw errors.invalidArgument(`rootfs "${input.rootfs}" must be an absolute path`);
  if (config.init && !input.initPath) {
    throw errors.failedPrecondition('--init needs an init binary, and none was found', { hint: 'install catatonit' });
  }

  const hostname = config.hostname ?? id.slice(0, 12);
  const cwd = config.workingDir || image.config?.WorkingDir || '/';
  if (!cwd.startsWith('/')) throw errors.invalidArgument(`the working directory "${cwd}" is invalid, it needs to be an absolute path`);
  const command = resolveCommand(config, image);
  const security = buildSecurity(config, input.securityEnv);

  const annotations: Record<string, string> = { [ANNOTATION_CONTAINER_ID]: id };
  if (config.name) annotations[ANNOTATION_CONTAINER_NAME] = config.name;

  return {
    ociVersion: OCI_VERSION,
    process: {
      terminal: config.tty,
      user: resolveUser(config.user ?? image.config?.User, { passwd: input.passwd, group: input.group }),
      args: config.init ? [INIT_PATH_IN_CONTAINER, '--', ...command] : command,
      env: buildEnv({ imageEnv: image.config?.Env, userEnv: config.env, hostname, tty: config.tty }),
      cwd,
      capabilities: security.capabilities,
      rlimits: defaultRlimits(input.limits),
      noNewPrivileges: security.noNewPrivileges,
      oomScoreAdj: 0,
    },
    root: { path: input.rootfs, readonly: config.readOnlyRootfs },
    hostname,
    mounts: buildMounts({
      mounts: config.mounts,
      volumeSources: input.volumeSources ?? {},
      imageVolumes: Object.keys(image.config?.Volumes ?? {}),
      etcFiles: input.hostsFiles,
      initPath: config.init ? input.initPath : undefined,
    }),
    linux: {
      namespaces: namespaces(input),
      cgroupsPath: cgroupsPath(input.cgroupParent, id),
      resources: buildResources(config.resources),
      // Only namespaced sysctls, and the network namespace is always the container's own.
      // (with --network host there is none of its own: host sysctls are never touched)
      ...(input.config.networkMode === 'host' ? {} : { sysctl: defaultNetworkSysctls() }),
      ...(security.seccomp ? { seccomp: security.seccomp } : {}),
      maskedPaths: security.maskedPaths,
      readonlyPaths: security.readonlyPaths,
    },
    annotations,
  };
}
