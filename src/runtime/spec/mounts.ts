/**
 * The container's mounts in the order the OCI runtime must apply them: the defaults of
 * security/mounts.ts, the runtime's /etc files, the init binary, then the user's bind mounts,
 * volumes and tmpfs sorted so a parent is mounted before anything inside it. A user mount at
 * a default's destination (e.g. their own /dev/shm or /etc/hosts) replaces that default.
 */
import { posix } from 'node:path';
import type { ContainerConfig, MountRequest } from '../../config/container-config';
import type { RuntimeMount } from '../../config/runtime-spec';
import { errors } from '../../errors';
import { defaultMounts, etcMounts, type EtcFiles } from '../../security/mounts';

/** Where --init's binary appears: in the /dev tmpfs, so it works with a read-only rootfs too. */
export const INIT_PATH_IN_CONTAINER = '/dev/init';

/** Docker's --tmpfs defaults; user options override them (e.g. `exec` removes `noexec`). */
const TMPFS_DEFAULTS = ['rw', 'nosuid', 'nodev', 'noexec'];
const TMPFS_FLAG_PAIRS: Array<[string, string]> = [['rw', 'ro'], ['suid', 'nosuid'], ['dev', 'nodev'], ['exec', 'noexec'], ['atime', 'noatime']];
const TMPFS_FLAGS = new Set(['rw', 'ro', 'suid', 'nosuid', 'dev', 'nodev', 'exec', 'noexec', 'atime', 'noatime', 'relatime', 'strictatime', 'nodiratime']);
const TMPFS_VALUE = /^(size=\d+[kmgKMG%]?|nr_inodes=\d+[kmgKMG]?|nr_blocks=\d+[kmgKMG]?|mode=[0-7]{3,4}|uid=\d+|gid=\d+)$/;

export interface MountInput {
  mounts: ContainerConfig['mounts'];
  /** Host paths of named and anonymous volumes, by target, resolved by the caller. */
  volumeSources: Record<string, string>;
  /** Volumes the image declares; mounted when volumeSources has a source for them. */
  imageVolumes?: readonly string[];
  etcFiles: EtcFiles;
  /** Host path of the init binary with --init. */
  initPath?: string;
}

function cleanTarget(target: string): string {
  if (!target.startsWith('/')) throw errors.invalidArgument(`mount target "${target}" must be an absolute path`);
  if (target.split('/').includes('..')) throw errors.invalidArgument(`mount target "${target}" must not contain ".."`);
  const clean = posix.normalize(target).replace(/(.)\/+$/, '$1');
  if (clean === '/') throw errors.invalidArgument('cannot mount over the container\'s root "/"');
  return clean;
}

export function tmpfsOptions(user: readonly string[]): string[] {
  let opts = [...TMPFS_DEFAULTS];
  for (const raw of user.flatMap((o) => o.split(','))) {
    const o = raw.trim();
    if (o === '') continue;
    if (!TMPFS_FLAGS.has(o) && !TMPFS_VALUE.test(o)) throw errors.invalidArgument(`invalid tmpfs option "${o}"`);
    const pair = TMPFS_FLAG_PAIRS.find((p) => p.includes(o));
    const key = o.includes('=') ? o.slice(0, o.indexOf('=') + 1) : undefined;
    opts = opts.filter((x) => !(pair?.includes(x) || (key && x.startsWith(key))));
    opts.push(o);
  }
  return opts;
}

function userMount(m: MountRequest, volumeSources: Record<string, string>): RuntimeMount {
  const destination = cleanTarget(m.target);
  if (m.type === 'tmpfs') return { destination, type: 'tmpfs', source: 'tmpfs', options: tmpfsOptions(m.options) };
  let source: string | undefined;
  if (m.type === 'bind') {
    if (!m.source.startsWith('/')) throw errors.invalidArgument(`bind mount source "${m.source}" must be an absolute path`);
    source = m.source;
  } else {
    source = volumeSources[m.target] ?? volumeSources[destination];
    if (!source) throw errors.internal(`volume "${m.source}" at ${destination} has no resolved host path`);
  }
  // nosuid and nodev beyond Docker's defaults: a host directory must not bring setuid binaries
  // or device nodes into the container.
  const options = ['rbind', 'rprivate', 'nosuid', 'nodev'];
  if (m.readonly) options.push('ro');
  return { destination, type: 'bind', source, options };
}

const depth = (p: string): number => p.split('/').length;

export function buildMounts(input: MountInput): RuntimeMount[] {
  const user: RuntimeMount[] = [];
  const seen = new Set<string>();
  for (const m of input.mounts) {
    const mount = userMount(m, input.volumeSources);
    if (seen.has(mount.destination)) throw errors.invalidArgument(`duplicate mount point: ${mount.destination}`);
    seen.add(mount.destination);
    user.push(mount);
  }
  for (const target of input.imageVolumes ?? []) {
    const destination = cleanTarget(target);
    const source = input.volumeSources[target] ?? input.volumeSources[destination];
    if (!source || seen.has(destination)) continue;
    seen.add(destination);
    user.push({ destination, type: 'bind', source, options: ['rbind', 'rprivate', 'nosuid', 'nodev'] });
  }
  // Stable sort by depth: /data before /data/cache, the user's order otherwise.
  user.sort((a, b) => depth(a.destination) - depth(b.destination));

  const base = [...defaultMounts(), ...etcMounts(input.etcFiles)];
  if (input.initPath) {
    if (!input.initPath.startsWith('/')) throw errors.invalidArgument(`init path "${input.initPath}" must be absolute`);
    base.push({ destination: INIT_PATH_IN_CONTAINER, type: 'bind', source: input.initPath, options: ['bind', 'ro', 'nosuid', 'nodev', 'rprivate'] });
  }
  return [...base.filter((m) => !seen.has(m.destination)), ...user];
}
