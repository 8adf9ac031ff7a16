/**
 * ForgeOne's container views (already in Docker's field names, config/api-types.ts) → the exact
 * shapes Docker clients decode: inspect (State, Config, HostConfig, Mounts, NetworkSettings,
 * GraphDriver, Platform) and the `ps` summary. Pure.
 */
import type { ContainerInspect, ContainerSummary } from '../../../config/api-types';
import { networkSettings, summaryNetwork } from './network';

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

export function dockerInspect(c: ContainerInspect, extra: { cpuShares: number; stopTimeout: number | undefined; stdinOnce: boolean }): Record<string, unknown> {
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
      User: c.Config.User,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Tty: c.Config.Tty,
      OpenStdin: c.Config.OpenStdin,
      StdinOnce: extra.stdinOnce,
      Env: c.Config.Env,
      Cmd: c.Config.Cmd.length ? c.Config.Cmd : null,
      Image: c.Config.Image,
      Volumes: null,
      WorkingDir: c.Config.WorkingDir,
      Entrypoint: c.Config.Entrypoint,
      OnBuild: null,
      Labels: c.Config.Labels,
      StopSignal: c.Config.StopSignal,
      ...(extra.stopTimeout !== undefined ? { StopTimeout: extra.stopTimeout } : {}),
    },
    NetworkSettings: networkSettings(),
  };
}

export function dockerSummary(c: ContainerSummary, size?: { rw: number }): Record<string, unknown> {
  return {
    Id: c.Id,
    Names: c.Names,
    Image: c.Image,
    ImageID: c.ImageID,
    Command: c.Command,
    Created: c.Created,
    ...summaryNetwork(),
    Labels: c.Labels,
    State: c.State,
    Status: c.Status,
    HostConfig: { NetworkMode: 'none' },
    Mounts: mountsOf(c.Mounts),
    ...(size ? { SizeRw: size.rw, SizeRootFs: 0 } : {}),
  };
}
