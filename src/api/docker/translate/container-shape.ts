/**
 * ForgeOne's container views (already in Docker's field names, config/api-types.ts) → the exact
 * shapes Docker clients decode: inspect (State, Config, HostConfig, Mounts, NetworkSettings,
 * GraphDriver, Platform) and the `ps` summary. Pure.
 */
import type { ContainerInspect, ContainerSummary, NetworkSettings } from '../../../config/api-types';
import type { PortRequest } from '../../../config/port-spec';
import { hostConfigNetwork, networkSettings, summaryNetwork } from './network';

/** Docker's State of a container: the native one, whose statuses are Docker's. */
export function dockerState(s: ContainerInspect['State']): Record<string, unknown> {
  return {
    Status: s.Status,
    Running: s.Running,
    Paused: s.Paused,
    Restarting: s.Restarting,
    OOMKilled: s.OOMKilled,
    Dead: s.Dead,
    Pid: s.Pid,
    ExitCode: s.ExitCode,
    Error: s.Error,
    StartedAt: s.StartedAt,
    FinishedAt: s.FinishedAt,
  };
}

function mountsOf(mounts: ContainerInspect['Mounts']): Array<Record<string, unknown>> {
  return mounts.map((m) => ({
    Type: m.Type,
    ...(m.Name !== undefined ? { Name: m.Name } : {}),
    Source: m.Source,
    Destination: m.Destination,
    ...(m.Type === 'volume' ? { Driver: 'local' } : {}),
    Mode: m.RW ? '' : 'ro',
    RW: m.RW,
    Propagation: m.Type === 'bind' ? 'rprivate' : '',
  }));
}

/** What Docker's container Config shows: the image's settings overlaid by the container's own. */
export interface EffectiveConfig {
  Env: string[];
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  WorkingDir: string;
  User: string;
  Labels: Record<string, string>;
}

/**
 * Docker's rules: Env and Labels merge (the container's win); a Cmd or Entrypoint given at create
 * replaces the image's, and a new Entrypoint drops the image's Cmd.
 */
export function effectiveConfig(
  own: { env: string[]; cmd?: string[] | undefined; entrypoint?: string[] | undefined; workingDir?: string | undefined; user?: string | undefined; labels: Record<string, string> },
  image: Record<string, unknown> | undefined,
  overlay: (base: string[], overrides: string[]) => string[],
): EffectiveConfig {
  const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : null);
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const imageLabels = image?.Labels && typeof image.Labels === 'object' ? (image.Labels as Record<string, string>) : {};
  const entrypoint = own.entrypoint ?? list(image?.Entrypoint);
  return {
    Env: overlay(list(image?.Env) ?? [], own.env),
    Cmd: own.cmd ?? (own.entrypoint !== undefined ? null : list(image?.Cmd)),
    Entrypoint: entrypoint && entrypoint.length ? entrypoint : null,
    WorkingDir: own.workingDir ?? text(image?.WorkingDir),
    User: own.user ?? text(image?.User),
    Labels: { ...imageLabels, ...own.labels },
  };
}

/** The container's create-time network fields (ContainerConfig's). */
export interface NetworkConfig {
  networkMode: string;
  ports: PortRequest[];
  publishAll: boolean;
  dns: string[];
  extraHosts: string[];
}

export function dockerInspect(
  c: ContainerInspect,
  extra: { cpuShares: number; stopTimeout: number | undefined; stdinOnce: boolean; config: EffectiveConfig; network?: NetworkConfig },
): Record<string, unknown> {
  const h = c.HostConfig;
  return {
    Id: c.Id,
    Created: c.Created,
    Path: c.Path,
    Args: c.Args,
    State: dockerState(c.State),
    Image: c.Image,
    ResolvConfPath: '',
    HostnamePath: '',
    HostsPath: '',
    LogPath: c.LogPath,
    Name: c.Name,
    RestartCount: c.RestartCount,
    Driver: c.GraphDriver.Name,
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: {
      Binds: h.Binds.length ? h.Binds : null,
      ContainerIDFile: '',
      LogConfig: { Type: 'k8s-file', Config: {} },
      NetworkMode: h.NetworkMode,
      PortBindings: {},
      RestartPolicy: h.RestartPolicy,
      AutoRemove: h.AutoRemove,
      VolumeDriver: '',
      VolumesFrom: null,
      CapAdd: h.CapAdd.length ? h.CapAdd : null,
      CapDrop: h.CapDrop.length ? h.CapDrop : null,
      Dns: [],
      DnsOptions: [],
      DnsSearch: [],
      ExtraHosts: null,
      Privileged: false,
      PublishAllPorts: false,
      ...(extra.network ? hostConfigNetwork(extra.network) : {}),
      ReadonlyRootfs: h.ReadonlyRootfs,
      SecurityOpt: h.SecurityOpt.length ? h.SecurityOpt : null,
      Tmpfs: Object.keys(h.Tmpfs).length ? h.Tmpfs : undefined,
      CpuShares: extra.cpuShares,
      Memory: h.Memory,
      MemorySwap: h.Memory ? h.Memory : 0,
      NanoCpus: h.NanoCpus,
      PidsLimit: h.PidsLimit || null,
      Init: h.Init,
    },
    GraphDriver: c.GraphDriver,
    Mounts: mountsOf(c.Mounts),
    Config: {
      Hostname: c.Config.Hostname,
      Domainname: '',
      User: extra.config.User,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Tty: c.Config.Tty,
      OpenStdin: c.Config.OpenStdin,
      StdinOnce: extra.stdinOnce,
      Env: extra.config.Env,
      Cmd: extra.config.Cmd,
      Image: c.Config.Image,
      Volumes: null,
      WorkingDir: extra.config.WorkingDir,
      Entrypoint: extra.config.Entrypoint,
      OnBuild: null,
      Labels: extra.config.Labels,
      StopSignal: c.Config.StopSignal,
      ...(Object.keys(c.NetworkSettings.Ports).length ? { ExposedPorts: Object.fromEntries(Object.keys(c.NetworkSettings.Ports).map((k) => [k, {}])) } : {}),
      ...(extra.stopTimeout !== undefined ? { StopTimeout: extra.stopTimeout } : {}),
    },
    NetworkSettings: networkSettings(c.NetworkSettings),
  };
}

export function dockerSummary(c: ContainerSummary, size?: { rw: number }, network?: { mode: string; settings: NetworkSettings }): Record<string, unknown> {
  return {
    Id: c.Id,
    Names: c.Names,
    Image: c.Image,
    ImageID: c.ImageID,
    Command: c.Command,
    Created: c.Created,
    ...summaryNetwork(c.Ports, network?.settings),
    Labels: c.Labels,
    State: c.State,
    Status: c.Status,
    HostConfig: { NetworkMode: network?.mode ?? 'none' },
    Mounts: mountsOf(c.Mounts),
    ...(size ? { SizeRw: size.rw, SizeRootFs: 0 } : {}),
  };
}
