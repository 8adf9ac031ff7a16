/** The Docker compatibility layer's pure translations: create bodies, filters, shapes, params, versions. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ForgeError } from '../../../src/errors';
import { parseBind, parseMount, translateCreateBody } from '../../../src/api/docker/translate/create-body';
import { boolFilter, matchLabels, parseDockerFilters, CONTAINER_FILTERS } from '../../../src/api/docker/translate/filters';
import { dockerEvent, matchesEventFilters } from '../../../src/api/docker/translate/event-shape';
import { dockerInspect, dockerState, dockerSummary, effectiveConfig } from '../../../src/api/docker/translate/container-shape';
import { checkNetworkCreate, matchesNetworkFilters, modeNetwork } from '../../../src/api/docker/translate/network-shape';
import { dockerContainerFilter } from '../../../src/api/docker/translate/container-filters';
import { filterImages, pullReference } from '../../../src/api/docker/translate/image-filters';
import { dockerImageHistory, dockerImageSummary } from '../../../src/api/docker/translate/image-shape';
import { dockerTimestamp, unixTime, unixTimeNano, untilTime } from '../../../src/api/docker/translate/params';
import { isZero } from '../../../src/api/docker/translate/zero';
import { checkApiVersion, compareVersions, dockerErrorBody, supportsVersion } from '../../../src/api/docker/route';
import { translateExecBody } from '../../../src/api/docker/exec';
import { parseContainerConfig } from '../../../src/config/container-config';
import type { ContainerInspect, ContainerSummary, ImageInspect, ImageSummary, NetworkSettings } from '../../../src/config/api-types';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return err instanceof ForgeError ? `${err.code}: ${err.message}` : `other: ${(err as Error).message}`;
  }
  return 'no error';
};

/** What the docker 28 CLI sends for `docker run --rm busybox echo hi` (zero values everywhere). */
const cliBody = {
  Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false, OpenStdin: false, StdinOnce: false,
  Env: null, Cmd: ['echo', 'hi'], Image: 'busybox', Volumes: {}, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: {},
  HostConfig: {
    Binds: null, ContainerIDFile: '', LogConfig: { Type: '', Config: {} }, NetworkMode: 'default', PortBindings: {}, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    AutoRemove: true, VolumeDriver: '', VolumesFrom: null, ConsoleSize: [24, 80], CapAdd: null, CapDrop: null, CgroupnsMode: '', Dns: [], DnsOptions: [], DnsSearch: [],
    ExtraHosts: null, GroupAdd: null, IpcMode: '', Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '', Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false,
    SecurityOpt: null, UTSMode: '', UsernsMode: '', ShmSize: 0, Isolation: '', CpuShares: 0, Memory: 0, NanoCpus: 0, CgroupParent: '', BlkioWeight: 0,
    BlkioWeightDevice: [], CpuPeriod: 0, CpuQuota: 0, CpusetCpus: '', Devices: [], DeviceCgroupRules: null, MemoryReservation: 0, MemorySwap: 0,
    MemorySwappiness: null, OomKillDisable: false, PidsLimit: null, Ulimits: [], MaskedPaths: null, ReadonlyPaths: null, Init: null,
  },
  NetworkingConfig: { EndpointsConfig: { default: { IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '' } } },
};

describe('docker create body → ContainerConfig', () => {
  it('accepts the CLI\'s zero-valued body and yields a valid native config', () => {
    const { config, warnings } = translateCreateBody(structuredClone(cliBody), '/web');
    assert.deepEqual(warnings, []);
    const parsed = parseContainerConfig(config);
    assert.equal(parsed.name, 'web');
    assert.deepEqual(parsed.cmd, ['echo', 'hi']);
    assert.equal(parsed.autoRemove, true);
    assert.equal(parsed.networkMode, 'bridge', 'NetworkMode "default" is the default bridge');
    assert.deepEqual([parsed.ports, parsed.publishAll, parsed.dns, parsed.extraHosts, parsed.networkAliases], [[], false, [], [], []]);
    assert.deepEqual(parsed.mounts, []);
  });

  it('translates the supported HostConfig fields', () => {
    const body = structuredClone(cliBody) as Record<string, unknown> & { HostConfig: Record<string, unknown> };
    Object.assign(body.HostConfig, {
      Binds: ['/srv:/data:ro', 'named:/named'], Mounts: [{ Type: 'tmpfs', Target: '/cache', TmpfsOptions: { SizeBytes: 1048576 } }], Tmpfs: { '/run': 'rw,size=64m' },
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 }, Memory: 67108864, MemorySwap: 67108864, NanoCpus: 500000000, CpuShares: 512, PidsLimit: 50,
      CapAdd: ['NET_ADMIN'], CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], Init: true, ReadonlyRootfs: true,
    });
    Object.assign(body, { Entrypoint: [''], Env: ['A=1'], User: '1000:1000', WorkingDir: '/w', StopSignal: 'SIGINT', StopTimeout: 3, Labels: { a: 'b' }, Tty: true, OpenStdin: true });
    const c = parseContainerConfig(translateCreateBody(body, undefined).config);
    assert.deepEqual(c.mounts, [
      { type: 'bind', source: '/srv', target: '/data', readonly: true },
      { type: 'volume', source: 'named', target: '/named', readonly: false },
      { type: 'tmpfs', target: '/cache', options: ['size=1048576'] },
      { type: 'tmpfs', target: '/run', options: ['rw', 'size=64m'] },
    ]);
    assert.deepEqual(c.resources, { memory: 67108864, cpus: 0.5, cpuShares: 512, pidsLimit: 50 });
    assert.deepEqual(c.restartPolicy, { name: 'on-failure', maximumRetryCount: 3 });
    assert.deepEqual([c.capAdd, c.capDrop, c.securityOpt], [['NET_ADMIN'], ['ALL'], ['no-new-privileges']]);
    assert.deepEqual([c.init, c.readOnlyRootfs, c.tty, c.openStdin], [true, true, true, true]);
    assert.deepEqual(c.entrypoint, [], 'Entrypoint [""] clears the image\'s');
    assert.deepEqual([c.user, c.workingDir, c.stopSignal, c.stopTimeout, c.env, c.labels], ['1000:1000', '/w', 'SIGINT', 3, ['A=1'], { a: 'b' }]);
  });

  it('CpuQuota/CpuPeriod become cpus; a string Cmd is one argument', () => {
    const c = translateCreateBody({ Image: 'x', Cmd: 'true', HostConfig: { CpuQuota: 25000, CpuPeriod: 50000 } }, undefined).config;
    assert.equal(c.resources?.cpus, 0.5);
    assert.deepEqual(c.cmd, ['true']);
  });

  it('refuses non-zero fields it cannot honour, naming them', () => {
    const bad = (extra: Record<string, unknown>, host: Record<string, unknown> = {}) => code(() => translateCreateBody({ Image: 'x', ...extra, HostConfig: host }, undefined));
    assert.equal(bad({}, { Privileged: true }), 'InvalidArgument: HostConfig.Privileged is not supported by ForgeOne');
    assert.equal(bad({}, { OomScoreAdj: 100 }), 'InvalidArgument: HostConfig.OomScoreAdj is not supported by ForgeOne');
    assert.match(bad({ Healthcheck: { Test: ['CMD', 'true'] } }), /^InvalidArgument: Healthcheck is not supported/);
    assert.match(bad({}, { MemorySwap: -1, Memory: 1 << 26 }), /MemorySwap is not supported/);
    assert.match(bad({ Volumes: { '/data': {} } }), /anonymous volumes are not supported/);
    assert.match(bad({}, { LogConfig: { Type: 'syslog' } }), /log driver "syslog"/);
    assert.match(bad({}, { Binds: ['/a:/b:shared'] }), /bind option "shared"/);
    assert.match(bad({}, { RestartPolicy: { Name: 'sometimes' } }), /invalid restart policy/);
    assert.match(bad({}, { Mounts: [{ Type: 'npipe', Target: '/x' }] }), /mount type "npipe"/);
    assert.match(code(() => translateCreateBody({ HostConfig: {} }, undefined)), /Config\.Image is required/);
  });

  it('accepts defaults clients send at non-zero values', () => {
    const { warnings, config } = translateCreateBody({ Image: 'x', HostConfig: { MemorySwappiness: -1, CgroupnsMode: 'private', IpcMode: 'private', NetworkMode: 'bridge' } }, undefined);
    assert.deepEqual(warnings, []);
    assert.equal(config.networkMode, 'bridge');
  });

  it('networking: modes, PortBindings, -P with ExposedPorts, Dns, ExtraHosts, aliases', () => {
    const t = (extra: Record<string, unknown>, host: Record<string, unknown> = {}) => parseContainerConfig(translateCreateBody({ Image: 'x', ...extra, HostConfig: host }, undefined).config);
    assert.deepEqual(['', 'default', 'bridge', 'none', 'host', 'mynet'].map((m) => t({}, { NetworkMode: m }).networkMode), ['bridge', 'bridge', 'bridge', 'none', 'host', 'mynet']);
    assert.equal(t({ NetworkDisabled: true }).networkMode, 'none');
    const published = t({ ExposedPorts: { '80/tcp': {}, '53/udp': {} } }, { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }, { HostIp: '', HostPort: '' }], '53/udp': null } });
    assert.deepEqual(published.ports, [
      { containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '127.0.0.1' },
      { containerPort: 80, protocol: 'tcp', hostPort: 0 },
    ], 'a null binding list is exposed, not published');
    assert.deepEqual(t({}, { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '0' }] } }).ports, [{ containerPort: 80, protocol: 'tcp', hostPort: 0 }], 'HostPort "0" is a free port (testcontainers)');
    const all = t({ ExposedPorts: { '80/tcp': {}, '9000/tcp': {} } }, { PublishAllPorts: true, PortBindings: { '80/tcp': [{ HostPort: '8080' }] } });
    assert.equal(all.publishAll, true);
    assert.deepEqual(all.ports.map((p) => `${p.hostPort}:${p.containerPort}`), ['8080:80', '0:9000'], '-P adds the container\'s ExposedPorts not bound yet');
    const dns = t({}, { Dns: ['1.1.1.1'], ExtraHosts: ['db:10.0.0.5', 'cache=10.0.0.6'] });
    assert.deepEqual([dns.dns, dns.extraHosts], [['1.1.1.1'], ['db:10.0.0.5', 'cache:10.0.0.6']]);
    const aliased = t({}, { NetworkMode: 'mynet' });
    assert.deepEqual(aliased.networkAliases, []);
    const withAliases = parseContainerConfig(translateCreateBody({ Image: 'x', HostConfig: { NetworkMode: 'mynet' }, NetworkingConfig: { EndpointsConfig: { mynet: { Aliases: ['db', 'pg'], IPAMConfig: null, NetworkID: '', MacAddress: '' } } } }, undefined).config);
    assert.deepEqual(withAliases.networkAliases, ['db', 'pg']);
    const several = translateCreateBody({ Image: 'x', HostConfig: { NetworkMode: 'front' }, NetworkingConfig: { EndpointsConfig: { front: { Aliases: ['a'] }, back: { Aliases: ['b'] }, side: null } } }, undefined);
    assert.deepEqual([several.config.networkMode, several.config.networkAliases, several.moreNetworks], ['front', ['a'], [{ name: 'back', aliases: ['b'] }, { name: 'side', aliases: [] }]], 'API 1.44+: further networks are connected after create');
  });

  it('networking: refuses what the network module cannot do, naming it', () => {
    const bad = (extra: Record<string, unknown>, host: Record<string, unknown> = {}, net?: unknown) => code(() => translateCreateBody({ Image: 'x', ...extra, HostConfig: host, NetworkingConfig: net }, undefined));
    assert.match(bad({}, { NetworkMode: 'container:abc' }), /^InvalidArgument: HostConfig\.NetworkMode "container:abc" is not supported/);
    assert.match(bad({}, { Links: ['a:b'] }), /^InvalidArgument: HostConfig\.Links is not supported/);
    assert.match(bad({}, { DnsSearch: ['example.com'] }), /^InvalidArgument: HostConfig\.DnsSearch is not supported/);
    assert.match(bad({}, { DnsOptions: ['ndots:2'] }), /^InvalidArgument: HostConfig\.DnsOptions is not supported/);
    assert.match(bad({ MacAddress: '02:42:ac:11:00:02' }), /^InvalidArgument: MacAddress is not supported/);
    assert.match(bad({}, { NetworkMode: 'n' }, { EndpointsConfig: { n: { IPAMConfig: { IPv4Address: '10.0.0.9' } } } }), /IPAMConfig: fixed container addresses/);
    assert.match(bad({}, { NetworkMode: 'n' }, { EndpointsConfig: { n: { MacAddress: '02:42:ac:11:00:02' } } }), /EndpointsConfig\.n\.MacAddress is not supported/);
    assert.match(bad({}, { NetworkMode: 'none' }, { EndpointsConfig: { n: {} } }), /EndpointsConfig\.n: a container with NetworkMode "none" cannot join other networks/);
    assert.match(bad({}, { NetworkMode: 'n' }, { EndpointsConfig: { n: {}, m: { IPAMConfig: { IPv4Address: '10.0.0.9' } } } }), /EndpointsConfig\.m\.IPAMConfig/);
    assert.match(bad({}, { PortBindings: { '80-90/tcp': [{ HostPort: '8080' }] } }), /invalid port "80-90\/tcp"/);
    assert.match(bad({}, { PortBindings: { '80/tcp': [{ HostPort: '70000' }] } }), /out of range/);
    assert.match(bad({}, { PortBindings: { '80/tcp': [{ HostIp: '::1', HostPort: '8080' }] } }), /HostIp "::1" is not an IPv4 address/);
    assert.match(bad({}, { PortBindings: { '80/tcp': 'x' } }), /must be a list/);
    assert.match(bad({}, { ExtraHosts: ['nocolon'] }), /invalid HostConfig\.ExtraHosts entry/);
    assert.match(bad({}, { ExtraHosts: ['gw:host-gateway'] }), /host-gateway is not supported/);
    assert.match(bad({}, { Dns: 'x' }), /HostConfig\.Dns must be a list/);
  });

  it('parses binds and mounts', () => {
    assert.deepEqual(parseBind('/a:/b'), { type: 'bind', source: '/a', target: '/b', readonly: false });
    assert.deepEqual(parseBind('v:/b:ro,Z'), { type: 'volume', source: 'v', target: '/b', readonly: true });
    assert.match(code(() => parseBind('/only')), /invalid bind/);
    assert.deepEqual(parseMount({ Type: 'bind', Source: '/s', Target: '/t', ReadOnly: true, BindOptions: { Propagation: 'rprivate' } }), { type: 'bind', source: '/s', target: '/t', readonly: true });
    assert.match(code(() => parseMount({ Type: 'volume', Target: '/t' })), /anonymous volumes/);
  });
});

describe('docker exec body', () => {
  it('drops nulls and client-only fields; refuses privileged', () => {
    assert.deepEqual(translateExecBody({ Cmd: ['sh'], Env: null, User: '', Detach: false, ConsoleSize: [24, 80], Privileged: false, Tty: true, WorkingDir: '' }), { Cmd: ['sh'], User: '', Tty: true, WorkingDir: '' });
    assert.match(code(() => translateExecBody({ Cmd: ['sh'], Privileged: true })), /privileged exec is not supported/);
  });
});

describe('docker filters', () => {
  it('parses both JSON forms and refuses unknown keys', () => {
    assert.deepEqual(parseDockerFilters('{"status":["exited","created"]}', CONTAINER_FILTERS), { status: ['exited', 'created'] });
    assert.deepEqual(parseDockerFilters('{"label":{"a=b":true,"c":false}}', CONTAINER_FILTERS), { label: ['a=b'] });
    assert.deepEqual(parseDockerFilters(null, CONTAINER_FILTERS), {});
    assert.match(code(() => parseDockerFilters('{"colour":["red"]}', CONTAINER_FILTERS)), /^InvalidArgument: invalid filter 'colour' \(supported: status,/);
    assert.match(code(() => parseDockerFilters('not json', CONTAINER_FILTERS)), /^InvalidArgument/);
    assert.match(code(() => parseDockerFilters('{"status":"x"}', CONTAINER_FILTERS)), /must be a list/);
  });

  it('booleans and labels', () => {
    assert.equal(boolFilter({ dangling: ['true'] }, 'dangling'), true);
    assert.equal(boolFilter({ dangling: ['0'] }, 'dangling'), false);
    assert.equal(boolFilter({}, 'dangling'), undefined);
    assert.match(code(() => boolFilter({ dangling: ['maybe'] }, 'dangling')), /use true or false/);
    assert.equal(matchLabels({ a: 'b', c: 'd' }, ['a=b', 'c']), true);
    assert.equal(matchLabels({ a: 'b' }, ['a=b', 'c']), false, 'every label filter must match');
  });

  const summary = (id: string, created: number, labels: Record<string, string> = {}): ContainerSummary => ({
    Id: id, Names: [`/n${id}`], Image: 'i', ImageID: 'sha256:i', Command: '', Created: created, State: 'running', Status: 'Up', Labels: labels, Engine: 'native',
    Mounts: [{ Type: 'volume', Name: 'vol', Source: '/v', Destination: '/data', RW: true }],
  });
  it('container filters beyond the runtime\'s: label (all), before/since, volume, network, is-task', () => {
    const list = [summary('a1', 1, { x: '1', y: '2' }), summary('b2', 2, { x: '1' }), summary('c3', 3)];
    assert.deepEqual(dockerContainerFilter(list, { label: ['x=1', 'y'] }).map((c) => c.Id), ['a1']);
    assert.deepEqual(dockerContainerFilter(list, { before: ['c3'] }).map((c) => c.Id), ['a1', 'b2']);
    assert.deepEqual(dockerContainerFilter(list, { since: ['na1'] }).map((c) => c.Id), ['b2', 'c3']);
    assert.deepEqual(dockerContainerFilter(list, { volume: ['/data'] }).length, 3);
    assert.deepEqual(dockerContainerFilter(list, { network: ['bridge'] }), [], 'no networks known: nothing matches');
    const endpoint = (id: string) => ({ NetworkID: id, EndpointID: '', IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '', Aliases: null });
    const nets = (id: string): NetworkSettings => ({ Networks: id === 'a1' ? { front: endpoint('f'.repeat(64)) } : { bridge: endpoint('b'.repeat(64)) }, IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '', Ports: {}, SandboxKey: '' });
    assert.deepEqual(dockerContainerFilter(list, { network: ['front'] }, nets).map((c) => c.Id), ['a1']);
    assert.deepEqual(dockerContainerFilter(list, { network: ['b'.repeat(12)] }, nets).map((c) => c.Id), ['b2', 'c3']);
    assert.deepEqual(dockerContainerFilter(list, { 'is-task': ['false'] }).length, 3);
    assert.match(code(() => dockerContainerFilter(list, { before: ['zz'] })), /^NotFound/);
  });

  const image = (id: string, tags: string[], created: number): { summary: ImageSummary; labels: Record<string, string> } => ({
    summary: { Id: `sha256:${id}`, Digest: 'sha256:m', RepoTags: tags, RepoDigests: [], Created: created, Size: 1, Platform: 'linux/amd64', Containers: 0 },
    labels: id === 'aa' ? { team: 'x' } : {},
  });
  it('image filters: reference globs, dangling, label, before/since', () => {
    const list = [image('aa', ['busybox:latest', 'reg:5000/lib/busybox:1'], 10), image('bb', [], 20), image('cc', ['alpine:3'], 30)];
    const ids = (f: Record<string, string[]>) => filterImages(list, f).map((i) => i.summary.Id.slice(7));
    assert.deepEqual(ids({ reference: ['busybox'] }), ['aa']);
    assert.deepEqual(ids({ reference: ['reg:5000/lib/*'] }), ['aa']);
    assert.deepEqual(ids({ reference: ['alpine:3'] }), ['cc']);
    assert.deepEqual(ids({ dangling: ['true'] }), ['bb']);
    assert.deepEqual(ids({ label: ['team=x'] }), ['aa']);
    assert.deepEqual(ids({ before: ['cc'] }), ['aa', 'bb']);
    assert.deepEqual(ids({ since: ['busybox'] }), ['bb', 'cc']);
  });

  it('pull references: tag, digest, or refused "all tags"', () => {
    assert.equal(pullReference('busybox', 'latest'), 'busybox:latest');
    assert.equal(pullReference('reg:5000/a/b', 'sha256:' + 'a'.repeat(64)), `reg:5000/a/b@sha256:${'a'.repeat(64)}`);
    assert.equal(pullReference('reg:5000/a/b:v1', null), 'reg:5000/a/b:v1');
    assert.match(code(() => pullReference('reg:5000/a/b', '')), /every tag/);
    assert.match(code(() => pullReference(null, 'x')), /fromImage is required/);
  });
});

describe('docker shapes', () => {
  const inspect: ContainerInspect = {
    Id: 'c'.repeat(64), Name: '/web', Created: '2026-01-01T00:00:00.000Z', Path: 'sh', Args: ['-c', 'x'],
    State: { Status: 'exited', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 3, Error: '', StartedAt: '2026-01-01T00:00:01.000Z', FinishedAt: '2026-01-01T00:00:02.000Z' },
    Image: 'sha256:i', ImageDigest: 'sha256:m', RestartCount: 0, Engine: 'native', LogPath: '/l',
    Config: { Hostname: 'h', User: '', Env: [], Cmd: ['sh'], Entrypoint: null, WorkingDir: '', Image: 'busybox', Labels: {}, Tty: false, OpenStdin: false, StopSignal: 'SIGTERM' },
    HostConfig: { Binds: [], Memory: 0, NanoCpus: 0, PidsLimit: 0, CapAdd: [], CapDrop: [], SecurityOpt: [], ReadonlyRootfs: false, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: false, Init: false, NetworkMode: 'none', Tmpfs: {} },
    Mounts: [{ Type: 'bind', Source: '/s', Destination: '/d', RW: false }],
    NetworkSettings: { Networks: {}, IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '', SandboxKey: '', Ports: {} },
    GraphDriver: { Name: 'overlay', Data: {} },
  };
  it('inspect has Docker\'s State, Platform, Driver, Mounts and empty Networks', () => {
    const d = dockerInspect(inspect, { cpuShares: 0, stopTimeout: undefined, stdinOnce: false, config: effectiveConfig({ env: [], labels: {} }, undefined, (a, b) => [...a, ...b]) });
    assert.deepEqual(dockerState(inspect.State), { ...inspect.State });
    assert.deepEqual(Object.keys(d.State as object), ['Status', 'Running', 'Paused', 'Restarting', 'OOMKilled', 'Dead', 'Pid', 'ExitCode', 'Error', 'StartedAt', 'FinishedAt']);
    assert.equal(d.Platform, 'linux');
    assert.equal(d.Driver, 'overlay');
    assert.deepEqual((d.NetworkSettings as { Networks: object }).Networks, {});
    assert.deepEqual((d.HostConfig as { PortBindings: object }).PortBindings, {});
    assert.deepEqual(d.Mounts, [{ Type: 'bind', Source: '/s', Destination: '/d', Mode: 'ro', RW: false, Propagation: 'rprivate' }]);
  });

  it('inspect: NetworkSettings, HostConfig.PortBindings and ExposedPorts from the runtime\'s view', () => {
    const ep = { NetworkID: 'n'.repeat(64), EndpointID: 'e'.repeat(64), IPAddress: '172.29.1.2', IPPrefixLen: 24, Gateway: '172.29.1.1', MacAddress: '02:00:00:00:00:01', Aliases: null };
    const withNet: ContainerInspect = {
      ...inspect,
      NetworkSettings: { Networks: { bridge: ep, app: { ...ep, IPAddress: '10.1.0.2', Aliases: ['db', 'cccc'] } }, IPAddress: '172.29.1.2', IPPrefixLen: 24, Gateway: '172.29.1.1', MacAddress: ep.MacAddress, SandboxKey: '/run/x/netns/abc', Ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': null } },
    };
    const d = dockerInspect(withNet, {
      cpuShares: 0, stopTimeout: undefined, stdinOnce: false, config: effectiveConfig({ env: [], labels: {} }, undefined, (a, b) => [...a, ...b]),
      network: { networkMode: 'bridge', ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '127.0.0.1' }, { containerPort: 53, protocol: 'udp', hostPort: 0 }], publishAll: false, dns: ['1.1.1.1'], extraHosts: ['db:10.0.0.5'] },
    });
    const ns = d.NetworkSettings as Record<string, unknown> & { Networks: Record<string, Record<string, unknown>> };
    assert.deepEqual([ns.IPAddress, ns.Gateway, ns.SandboxKey, ns.SandboxID, ns.EndpointID], ['172.29.1.2', '172.29.1.1', '/run/x/netns/abc', 'abc', 'e'.repeat(64)]);
    assert.deepEqual(ns.Ports, withNet.NetworkSettings.Ports);
    assert.deepEqual(ns.Networks.app!.Aliases, ['db', 'cccc']);
    assert.equal(ns.Networks.app!.IPAddress, '10.1.0.2');
    assert.equal(ns.Networks.app!.IPAMConfig, null);
    const h = d.HostConfig as Record<string, unknown>;
    assert.deepEqual(h.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '' }] });
    assert.deepEqual([h.Dns, h.ExtraHosts, h.NetworkMode], [['1.1.1.1'], ['db:10.0.0.5'], 'bridge']);
    assert.deepEqual((d.Config as { ExposedPorts: object }).ExposedPorts, { '80/tcp': {}, '53/udp': {} });
    const s = dockerSummary({ Id: 'c', Names: ['/c'], Image: 'i', ImageID: 'i', Command: '', Created: 1, State: 'running', Status: 'Up', Labels: {}, Engine: 'native', Mounts: [], Ports: [{ IP: '127.0.0.1', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }] }, undefined, { mode: 'bridge', settings: withNet.NetworkSettings });
    assert.deepEqual(s.Ports, [{ IP: '127.0.0.1', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }]);
    assert.deepEqual(Object.keys((s.NetworkSettings as { Networks: object }).Networks), ['bridge', 'app']);
    assert.deepEqual(s.HostConfig, { NetworkMode: 'bridge' });
  });

  it('networks: host/none shapes, filters, create fields refused', () => {
    const none = modeNetwork('none', [{ id: 'c1', name: 'x' }]);
    assert.deepEqual([none.Name, none.Id, none.Driver, none.Scope, none.EnableIPv6, none.Containers.c1!.Name], ['none', 'none', 'null', 'local', false, 'x']);
    assert.equal(modeNetwork('host', []).Driver, 'host');
    const user = { ...modeNetwork('none', []), Name: 'front', Id: 'f'.repeat(64), Driver: 'bridge' as const, Labels: { team: 'a' } };
    const bridge = { ...user, Name: 'bridge', Id: 'b'.repeat(64), Labels: {} };
    const list = [bridge, user, modeNetwork('host', []), none];
    const names = (f: Record<string, string[]>) => list.filter((n) => matchesNetworkFilters(n, f)).map((n) => n.Name);
    assert.deepEqual(names({}), ['bridge', 'front', 'host', 'none']);
    assert.deepEqual(names({ type: ['builtin'] }), ['bridge', 'host', 'none']);
    assert.deepEqual(names({ type: ['custom'] }), ['front']);
    assert.deepEqual(names({ driver: ['bridge'] }), ['bridge', 'front']);
    assert.deepEqual(names({ name: ['ron'] }), ['front']);
    assert.deepEqual(names({ id: ['fff'] }), ['front']);
    assert.deepEqual(names({ label: ['team=a'] }), ['front']);
    assert.deepEqual(names({ dangling: ['true'] }), ['front']);
    assert.match(code(() => names({ type: ['weird'] })), /invalid filter: 'type'='weird'/);
    const cli = { Name: 'n', CheckDuplicate: true, Driver: 'bridge', Scope: '', EnableIPv6: false, IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '10.5.0.0/24', Gateway: '10.5.0.1' }] }, Internal: false, Attachable: false, Ingress: false, ConfigOnly: false, ConfigFrom: null, Options: {}, Labels: { a: 'b' } };
    assert.equal(checkNetworkCreate(structuredClone(cli)).Name, 'n');
    assert.match(code(() => checkNetworkCreate({ ...cli, Options: { 'com.docker.network.bridge.name': 'x' } })), /^InvalidArgument: Options is not supported/);
    assert.match(code(() => checkNetworkCreate({ ...cli, Ingress: true })), /Ingress is not supported/);
    assert.match(code(() => checkNetworkCreate({ ...cli, IPAM: { Driver: 'dhcp' } })), /IPAM driver "dhcp"/);
    assert.match(code(() => checkNetworkCreate({ ...cli, IPAM: { Config: [{ Subnet: '10.5.0.0/24', IPRange: '10.5.0.0/25' }] } })), /IPAM\.Config\.IPRange/);
    assert.match(code(() => checkNetworkCreate({ ...cli, Name: '' })), /network name is required/);
    assert.match(code(() => checkNetworkCreate({ ...cli, Labels: { a: 1 } })), /Labels must be an object of strings/);
  });

  it('effective config: image settings overlaid by the container\'s (Docker\'s rules)', () => {
    const overlay = (base: string[], over: string[]) => [...base.filter((e) => !over.some((o) => o.split('=')[0] === e.split('=')[0])), ...over];
    const image = { Env: ['PATH=/bin', 'A=1'], Cmd: ['sh'], Entrypoint: ['/init'], WorkingDir: '/app', User: 'app', Labels: { from: 'image', x: 'i' } };
    const inherited = effectiveConfig({ env: ['A=2'], labels: { x: 'c' } }, image, overlay);
    assert.deepEqual(inherited, { Env: ['PATH=/bin', 'A=2'], Cmd: ['sh'], Entrypoint: ['/init'], WorkingDir: '/app', User: 'app', Labels: { from: 'image', x: 'c' } });
    const newEntrypoint = effectiveConfig({ env: [], labels: {}, entrypoint: ['/bin/echo'] }, image, overlay);
    assert.deepEqual([newEntrypoint.Entrypoint, newEntrypoint.Cmd], [['/bin/echo'], null], 'a new entrypoint drops the image\'s Cmd');
    const cleared = effectiveConfig({ env: [], labels: {}, entrypoint: [], cmd: ['true'], user: '0', workingDir: '/' }, image, overlay);
    assert.deepEqual([cleared.Entrypoint, cleared.Cmd, cleared.User, cleared.WorkingDir], [null, ['true'], '0', '/']);
  });

  it('image summary: VirtualSize only for clients before API 1.44', () => {
    const s: ImageSummary = { Id: 'sha256:i', Digest: 'sha256:m', RepoTags: ['a:1'], RepoDigests: [], Created: 1, Size: 5, Platform: 'linux/amd64', Containers: 0 };
    assert.equal(dockerImageSummary(s, {}, true).VirtualSize, 5);
    assert.equal('VirtualSize' in dockerImageSummary(s), false);
    assert.equal(dockerImageSummary(s).SharedSize, -1);
  });

  it('image history: newest first, layer sizes on the entries that made layers', () => {
    const img = {
      Id: 'sha256:top', RepoTags: ['busybox:latest'], Created: '2026-01-01T00:00:00Z', Size: 30,
      Manifest: { layers: [{ mediaType: 'l', digest: 'sha256:1', size: 10 }, { mediaType: 'l', digest: 'sha256:2', size: 20 }] },
      History: [{ created: '2026-01-01T00:00:00Z', created_by: 'ADD rootfs' }, { created_by: 'ENV x', empty_layer: true }, { created_by: 'RUN y' }],
    } as unknown as ImageInspect;
    const h = dockerImageHistory(img);
    assert.deepEqual(h.map((e) => [e.Id, e.CreatedBy, e.Size]), [['sha256:top', 'RUN y', 20], ['<missing>', 'ENV x', 0], ['<missing>', 'ADD rootfs', 10]]);
    assert.deepEqual(h[0]!.Tags, ['busybox:latest']);
  });

  it('events: topics become Type/Action; filters combine', () => {
    const e = dockerEvent({ id: 1, timeNano: 1_700_000_000_123_000_000n, topic: '/tasks/exit', actor: 'abc', attributes: { name: 'web', exitCode: '3' } })!;
    assert.deepEqual([e.Type, e.Action, e.Actor.ID, e.Actor.Attributes.exitCode, e.time, e.scope], ['container', 'die', 'abc', '3', 1_700_000_000, 'local']);
    assert.equal(dockerEvent({ id: 2, timeNano: 1n, topic: '/registry/login', actor: 'x', attributes: {} }), undefined);
    const id = 'f'.repeat(64);
    const enriched = dockerEvent({ id: 3, timeNano: 1n, topic: '/tasks/exit', actor: id, attributes: { exitCode: '0', name: 'web' } }, () => ({ image: 'busybox', team: 'x', name: 'old' }))!;
    assert.deepEqual(enriched.Actor.Attributes, { image: 'busybox', team: 'x', name: 'web', exitCode: '0' });
    assert.equal(matchesEventFilters(enriched, { image: ['busybox'], label: ['team=x'] }), true);
    assert.equal(matchesEventFilters(e, { type: ['container'], container: ['web'] }), true);
    assert.equal(matchesEventFilters(e, { type: ['image'] }), false);
    assert.equal(matchesEventFilters(e, { event: ['start', 'die'], container: ['ab'] }), true);
    assert.equal(matchesEventFilters(e, { network: ['bridge'] }), false);
    const net = dockerEvent({ id: 4, timeNano: 1n, topic: '/networks/connect', actor: 'n'.repeat(64), attributes: { name: 'front', container: id } })!;
    assert.deepEqual([net.Type, net.Action, net.Actor.Attributes], ['network', 'connect', { name: 'front', container: id, type: 'bridge' }]);
    assert.equal(matchesEventFilters(net, { type: ['network'], network: ['front'] }), true);
    assert.equal(matchesEventFilters(net, { network: ['nnnn'] }), true, 'an ID prefix matches');
    assert.equal(matchesEventFilters(net, { network: ['back'] }), false);
  });
});

describe('docker params and versions', () => {
  it('times: unix seconds with fractions, RFC 3339, nanoseconds', () => {
    assert.equal(unixTime('1700000000.5', 'since')?.getTime(), 1_700_000_000_500);
    assert.equal(unixTime('2026-01-01T00:00:00Z', 'since')?.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(unixTime('0', 'since'), undefined);
    assert.match(code(() => unixTime('yesterday', 'since')), /since must be unix seconds/);
    assert.equal(unixTimeNano('1700000000.000000001', 'until'), 1_700_000_000_000_000_001n);
    assert.equal(unixTimeNano('12', 'until'), 12_000_000_000n);
    assert.equal(dockerTimestamp('2026-11-27T20:52:25.335234479+00:00'), '2026-11-27T20:52:25.335234479Z');
    assert.equal(untilTime('1h30m', 10_000_000), 10_000_000 - 5_400_000);
    assert.equal(untilTime('90s', 100_000), 10_000);
    assert.equal(untilTime('1700000000', 0), 1_700_000_000_000);
    assert.match(code(() => untilTime('soon', 0)), /until must be unix seconds/);
  });

  it('zero values', () => {
    for (const z of [null, undefined, '', 0, false, [], {}, { a: { b: [] } }]) assert.equal(isZero(z), true, JSON.stringify(z));
    for (const nz of [1, 'x', true, [0], { a: 1 }]) assert.equal(isZero(nz), false, JSON.stringify(nz));
  });

  it('API versions: the supported range, Docker\'s words outside it', () => {
    assert.ok(compareVersions('1.9', '1.24') < 0);
    assert.ok(compareVersions('1.50', '1.5') > 0);
    assert.equal(code(() => checkApiVersion('1.24')), 'no error');
    assert.equal(code(() => checkApiVersion('1.50')), 'no error');
    assert.equal(code(() => checkApiVersion(undefined)), 'no error');
    assert.equal(code(() => checkApiVersion('1.23')), 'InvalidArgument: client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version');
    assert.equal(code(() => checkApiVersion('1.51')), 'InvalidArgument: client version 1.51 is too new. Maximum supported API version is 1.50');
    assert.equal(supportsVersion('1.41', '1.44'), false);
    assert.equal(supportsVersion(undefined, '1.44'), true);
  });

  it('errors: Docker\'s body and the status of the code', () => {
    assert.deepEqual(dockerErrorBody(new ForgeError('NotFound', 'No such container: x')), { status: 404, body: { message: 'No such container: x' } });
    assert.deepEqual(dockerErrorBody(new ForgeError('Conflict', 'in use', { hint: 'remove it' })), { status: 409, body: { message: 'in use (remove it)' } });
    assert.equal(dockerErrorBody(new ForgeError('NotImplemented', 'no')).status, 501);
    assert.deepEqual(dockerErrorBody(new ForgeError('NotFound', 'No such image: x', { hint: 'pull it first: forgeone pull x' })).body, { message: 'No such image: x' });
    assert.equal(dockerErrorBody(new Error('boom')).status, 500);
  });
});
