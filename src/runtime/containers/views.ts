/** Builds the API's container shapes (Docker's field names) from records. */
import type { ContainerInspect, ContainerSummary } from '../../config/api-types';
import { containerPaths } from '../../config/paths';
import { timeAgo } from '../../util/format';
import type { RuntimeContext } from '../context';
import type { Container } from './find-container';
import { networkSettings, summaryPorts } from '../networks/settings';

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : '0001-01-01T00:00:00Z');

export function statusText(c: Container, now = Date.now()): string {
  const s = c.state;
  switch (s.status) {
    case 'running':
      return `Up ${timeAgo(s.startedAt ?? now, now).replace(/ ago$/, '').replace(/^Less than a second$/, 'Less than a second')}`;
    case 'paused':
      return `Up ${timeAgo(s.startedAt ?? now, now).replace(/ ago$/, '')} (Paused)`;
    case 'restarting':
      return `Restarting (${s.exitCode ?? 0}) ${timeAgo(s.finishedAt ?? now, now)}`;
    case 'exited':
      return `Exited (${s.exitCode ?? 0}) ${timeAgo(s.finishedAt ?? now, now)}`;
    case 'created':
      return 'Created';
    case 'removing':
      return 'Removal In Progress';
    default:
      return 'Dead';
  }
}

function mounts(c: Container, rt: RuntimeContext): ContainerSummary['Mounts'] {
  return c.config.mounts.map((m) => {
    if (m.type === 'bind') return { Type: 'bind', Source: m.source, Destination: m.target, RW: !m.readonly };
    if (m.type === 'volume') return { Type: 'volume', Name: m.source, Source: `${rt.paths.root}/volumes/${m.source}/_data`, Destination: m.target, RW: !m.readonly };
    return { Type: 'tmpfs', Source: '', Destination: m.target, RW: true };
  });
}

export function containerSummary(rt: RuntimeContext, c: Container): ContainerSummary {
  const command = c.record.command;
  return {
    Id: c.record.id,
    Names: [`/${c.record.name}`],
    Image: c.record.image,
    ImageID: c.record.imageId,
    Command: command.join(' '),
    Created: Math.floor(c.record.createdAt / 1000),
    State: c.state.status,
    Status: statusText(c),
    Labels: c.config.labels,
    Engine: c.record.engine,
    Mounts: mounts(c, rt),
    Ports: c.record.engine === 'native' ? summaryPorts(rt, c.record.id) : [],
  };
}

export function containerInspect(rt: RuntimeContext, c: Container): ContainerInspect {
  const command = c.record.command;
  const s = c.state;
  const cfg = c.config;
  const paths = containerPaths(rt.paths, c.record.id);
  return {
    Id: c.record.id,
    Name: `/${c.record.name}`,
    Created: new Date(c.record.createdAt).toISOString(),
    Path: command[0] ?? '',
    Args: command.slice(1),
    State: {
      Status: s.status,
      Running: s.status === 'running' || s.status === 'paused',
      Paused: s.status === 'paused',
      Restarting: s.status === 'restarting',
      OOMKilled: s.oomKilled,
      Dead: s.status === 'dead',
      Pid: s.status === 'running' || s.status === 'paused' ? s.pid : 0,
      ExitCode: s.exitCode ?? 0,
      Error: s.error,
      StartedAt: iso(s.startedAt),
      FinishedAt: iso(s.finishedAt),
    },
    Image: c.record.imageId,
    ImageDigest: c.record.imageDigest,
    RestartCount: s.restartCount,
    Engine: c.record.engine,
    LogPath: paths.logPath,
    Config: {
      Hostname: cfg.hostname ?? c.record.id.slice(0, 12),
      User: cfg.user ?? '',
      Env: cfg.env,
      Cmd: cfg.cmd ?? [],
      Entrypoint: cfg.entrypoint ?? null,
      WorkingDir: cfg.workingDir ?? '',
      Image: c.record.image,
      Labels: cfg.labels,
      Tty: cfg.tty,
      OpenStdin: cfg.openStdin,
      StopSignal: cfg.stopSignal ?? 'SIGTERM',
    },
    HostConfig: {
      Binds: cfg.mounts.flatMap((m) => (m.type === 'tmpfs' ? [] : [`${m.source}:${m.target}${m.readonly ? ':ro' : ''}`])),
      Memory: cfg.resources.memory ?? 0,
      NanoCpus: Math.round((cfg.resources.cpus ?? 0) * 1e9),
      PidsLimit: cfg.resources.pidsLimit ?? 0,
      CapAdd: cfg.capAdd,
      CapDrop: cfg.capDrop,
      SecurityOpt: cfg.securityOpt,
      ReadonlyRootfs: cfg.readOnlyRootfs,
      RestartPolicy: { Name: cfg.restartPolicy.name, MaximumRetryCount: cfg.restartPolicy.maximumRetryCount },
      AutoRemove: cfg.autoRemove,
      Init: cfg.init,
      NetworkMode: cfg.networkMode,
      Tmpfs: Object.fromEntries(cfg.mounts.flatMap((m) => (m.type === 'tmpfs' ? [[m.target, m.options.join(',')]] : []))),
    },
    Mounts: mounts(c, rt),
    NetworkSettings: c.record.engine === 'native' ? networkSettings(rt, c.record.id, cfg) : { Networks: {}, IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '', Ports: {}, SandboxKey: '' },
    GraphDriver: { Name: 'overlay', Data: { MergedDir: paths.rootfs, UpperDir: `${paths.dir}/upper`, WorkDir: `${paths.dir}/work` } },
  };
}
