/**
 * Docker's container create body (Config fields at the top, HostConfig, NetworkingConfig) →
 * ForgeOne's ContainerConfig input. Pure. Every field is either translated, accepted because it
 * is at its zero value (Docker clients send them all), or refused with 400 naming it: a request
 * is never half-honoured in silence.
 */
import { ForgeError } from '../../../errors';
import type { ContainerConfigInput, MountRequest } from '../../../config/container-config';
import { isRecord, isZero } from './zero';
import { NETWORK_CONFIG_KEYS, NETWORK_HOST_CONFIG_KEYS, networkFromDocker, type ExtraNetwork } from './network';

export interface TranslatedCreate {
  config: ContainerConfigInput;
  warnings: string[];
  /** Networks to connect right after create (NetworkingConfig beyond the NetworkMode one). */
  moreNetworks: ExtraNetwork[];
}

/** Config fields that only steer the client (attach choices) or Windows/builds: never an effect here. */
const IGNORED_CONFIG = ['AttachStdin', 'AttachStdout', 'AttachStderr', 'ArgsEscaped', 'OnBuild', 'Shell', 'HostConfig', 'NetworkingConfig', 'Platform'];
/** HostConfig fields accepted at these non-zero defaults clients send. */
const DEFAULTS: Record<string, unknown[]> = {
  MemorySwappiness: [-1],
  CgroupnsMode: ['private'],
  IpcMode: ['private', 'shareable'],
  Isolation: ['default'],
  OomKillDisable: [false],
};
/** HostConfig fields that need nothing from the daemon (the console size is set by resize after start). */
const IGNORED_HOST = ['ConsoleSize', 'ContainerIDFile'];

const bad = (message: string) => new ForgeError('InvalidArgument', message);

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw bad(`${field} must be a string or a list of strings`);
}

function str(value: unknown, field: string): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw bad(`${field} must be a string`);
  return value;
}

function num(value: unknown, field: string): number | undefined {
  if (value === null || value === undefined || value === 0) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`${field} must be a number`);
  return value;
}

/** `-v SRC:DST[:OPTS]`: an absolute SRC is a bind, anything else a named volume. */
export function parseBind(spec: string): MountRequest {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) throw bad(`invalid bind "${spec}": use SOURCE:TARGET[:OPTIONS]`);
  const [source, target, opts = ''] = parts as [string, string, string?];
  let readonly = false;
  for (const o of opts.split(',').filter(Boolean)) {
    if (o === 'ro') readonly = true;
    else if (o === 'rw' || o === 'z' || o === 'Z' || o === 'rprivate' || o === 'private' || o === 'nocopy' || o === 'consistent' || o === 'delegated' || o === 'cached') continue;
    else throw bad(`bind option "${o}" in "${spec}" is not supported (supported: ro, rw)`);
  }
  return source.startsWith('/') ? { type: 'bind', source, target, readonly } : { type: 'volume', source, target, readonly };
}

/** HostConfig.Mounts entries (`--mount`). */
export function parseMount(m: unknown): MountRequest {
  if (!isRecord(m)) throw bad('HostConfig.Mounts entries must be objects');
  const type = m.Type;
  const target = str(m.Target, 'Mounts.Target');
  if (!target) throw bad('HostConfig.Mounts: Target is required');
  const readonly = m.ReadOnly === true;
  if (!isZero(m.Consistency) && m.Consistency !== 'default') throw bad('HostConfig.Mounts: Consistency is not supported');
  if (type === 'bind') {
    const source = str(m.Source, 'Mounts.Source');
    if (!source) throw bad('HostConfig.Mounts: a bind needs a Source');
    if (isRecord(m.BindOptions) && !isZero({ ...m.BindOptions, Propagation: m.BindOptions.Propagation === 'rprivate' ? '' : m.BindOptions.Propagation })) {
      throw bad('HostConfig.Mounts: BindOptions are not supported');
    }
    return { type: 'bind', source, target, readonly };
  }
  if (type === 'volume') {
    if (!isZero(m.VolumeOptions)) throw bad('HostConfig.Mounts: VolumeOptions are not supported');
    const source = str(m.Source, 'Mounts.Source');
    if (!source) throw bad(`HostConfig.Mounts: anonymous volumes are not supported: name the volume (source) for ${target}`);
    return { type: 'volume', source, target, readonly };
  }
  if (type === 'tmpfs') {
    const options: string[] = [];
    const t = isRecord(m.TmpfsOptions) ? m.TmpfsOptions : {};
    if (typeof t.SizeBytes === 'number' && t.SizeBytes > 0) options.push(`size=${t.SizeBytes}`);
    if (typeof t.Mode === 'number' && t.Mode > 0) options.push(`mode=${t.Mode.toString(8)}`);
    if (readonly) options.push('ro');
    return { type: 'tmpfs', target, options };
  }
  throw bad(`HostConfig.Mounts: mount type "${String(type)}" is not supported (bind, volume, tmpfs)`);
}

function restartPolicy(value: unknown): ContainerConfigInput['restartPolicy'] | undefined {
  if (!isRecord(value)) return undefined;
  const name = value.Name === '' || value.Name === undefined || value.Name === null ? 'no' : value.Name;
  if (name !== 'no' && name !== 'on-failure' && name !== 'always' && name !== 'unless-stopped') throw bad(`invalid restart policy "${String(name)}"`);
  const retries = typeof value.MaximumRetryCount === 'number' ? value.MaximumRetryCount : 0;
  if (retries && name !== 'on-failure') throw bad('maximum retry count cannot be used with restart policy ' + name);
  return { name, maximumRetryCount: retries };
}

/** Docker's create body → ContainerConfig input (the name comes from the query). */
export function translateCreateBody(body: Record<string, unknown>, name: string | undefined): TranslatedCreate {
  const host = isRecord(body.HostConfig) ? body.HostConfig : {};
  const { warnings, moreNetworks, ...network } = networkFromDocker(body, host, body.NetworkingConfig);
  const image = str(body.Image, 'Image');
  if (!image) throw bad('Config.Image is required');
  const mounts: MountRequest[] = [];
  const resources: NonNullable<ContainerConfigInput['resources']> = {};
  const config: ContainerConfigInput = { image, ...network, mounts, resources };
  if (name) config.name = name.replace(/^\//, '');

  const configFields: Record<string, (v: unknown) => void> = {
    Image: () => undefined,
    Cmd: (v) => { const x = stringList(v, 'Cmd'); if (x) config.cmd = x; },
    Entrypoint: (v) => { const x = stringList(v, 'Entrypoint'); if (x) config.entrypoint = x.length === 1 && x[0] === '' ? [] : x; },
    Env: (v) => { const x = stringList(v, 'Env'); if (x) config.env = x; },
    WorkingDir: (v) => { const x = str(v, 'WorkingDir'); if (x) config.workingDir = x; },
    User: (v) => { const x = str(v, 'User'); if (x) config.user = x; },
    Hostname: (v) => { const x = str(v, 'Hostname'); if (x) config.hostname = x; },
    Tty: (v) => { config.tty = v === true; },
    OpenStdin: (v) => { config.openStdin = v === true; },
    StdinOnce: (v) => { config.stdinOnce = v === true; },
    Labels: (v) => { if (isRecord(v)) config.labels = v as Record<string, string>; },
    StopSignal: (v) => { const x = str(v, 'StopSignal'); if (x) config.stopSignal = x; },
    StopTimeout: (v) => { if (typeof v === 'number') config.stopTimeout = v; },
    Volumes: (v) => {
      // Anonymous volumes (`-v /path`) are refused as the native CLI does: rm -v could not tell them apart yet.
      if (isRecord(v) && Object.keys(v).length) throw bad(`anonymous volumes are not supported: name the volume (-v NAME:${Object.keys(v)[0]})`);
    },
  };
  for (const [key, value] of Object.entries(body)) {
    if (configFields[key]) configFields[key](value);
    else if (IGNORED_CONFIG.includes(key) || NETWORK_CONFIG_KEYS.includes(key)) continue;
    else if (!isZero(value)) throw bad(`${key} is not supported by ForgeOne`);
  }

  const hostFields: Record<string, (v: unknown) => void> = {
    Binds: (v) => { for (const b of stringList(v, 'HostConfig.Binds') ?? []) mounts.push(parseBind(b)); },
    Mounts: (v) => { if (Array.isArray(v)) for (const m of v) mounts.push(parseMount(m)); },
    Tmpfs: (v) => {
      if (!isRecord(v)) return;
      for (const [target, opts] of Object.entries(v)) mounts.push({ type: 'tmpfs', target, options: String(opts ?? '').split(',').filter(Boolean) });
    },
    RestartPolicy: (v) => { const p = restartPolicy(v); if (p) config.restartPolicy = p; },
    Memory: (v) => { const x = num(v, 'HostConfig.Memory'); if (x !== undefined) resources.memory = x; },
    MemorySwap: (v) => {
      // ForgeOne never lets a container swap (runtime/spec/resources.ts): only "same as Memory" can be honoured.
      const x = num(v, 'HostConfig.MemorySwap');
      if (x !== undefined && x !== host.Memory) throw bad('HostConfig.MemorySwap is not supported: containers never swap (memory+swap equals the memory limit)');
    },
    NanoCpus: (v) => { const x = num(v, 'HostConfig.NanoCpus'); if (x !== undefined) resources.cpus = x / 1e9; },
    CpuQuota: (v) => {
      const quota = num(v, 'HostConfig.CpuQuota');
      if (quota === undefined) return;
      const period = num(host.CpuPeriod, 'HostConfig.CpuPeriod') ?? 100_000;
      resources.cpus = quota / period;
    },
    CpuPeriod: (v) => { if (!isZero(v) && isZero(host.CpuQuota)) throw bad('HostConfig.CpuPeriod needs HostConfig.CpuQuota'); },
    CpuShares: (v) => { const x = num(v, 'HostConfig.CpuShares'); if (x !== undefined) resources.cpuShares = x; },
    PidsLimit: (v) => { const x = num(v, 'HostConfig.PidsLimit'); if (x !== undefined) resources.pidsLimit = x; },
    CapAdd: (v) => { const x = stringList(v, 'HostConfig.CapAdd'); if (x) config.capAdd = x; },
    CapDrop: (v) => { const x = stringList(v, 'HostConfig.CapDrop'); if (x) config.capDrop = x; },
    SecurityOpt: (v) => { const x = stringList(v, 'HostConfig.SecurityOpt'); if (x) config.securityOpt = x; },
    AutoRemove: (v) => { config.autoRemove = v === true; },
    Init: (v) => { config.init = v === true; },
    ReadonlyRootfs: (v) => { config.readOnlyRootfs = v === true; },
    LogConfig: (v) => {
      const type = isRecord(v) ? v.Type : undefined;
      if (type && type !== 'json-file' && type !== 'k8s-file' && type !== 'local') throw bad(`log driver "${String(type)}" is not supported (logs are files the daemon reads back)`);
      if (isRecord(v) && !isZero(v.Config)) throw bad('HostConfig.LogConfig.Config is not supported');
    },
  };
  for (const [key, value] of Object.entries(host)) {
    if (hostFields[key]) hostFields[key](value);
    else if (IGNORED_HOST.includes(key) || NETWORK_HOST_CONFIG_KEYS.includes(key)) continue;
    else if (DEFAULTS[key]?.includes(value)) continue;
    else if (!isZero(value)) throw bad(`HostConfig.${key} is not supported by ForgeOne`);
  }
  return { config, warnings, moreNetworks };
}
