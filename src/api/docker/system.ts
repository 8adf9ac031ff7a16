/** Docker system routes: /_ping (GET, HEAD), /version, /info, /system/df, /auth. */
import * as os from 'node:os';
import { ForgeError } from '../../errors';
import type { RuntimeContext } from '../../runtime/context';
import { API_VERSION, MIN_API_VERSION, systemInfo, version } from '../../runtime/system-info';
import { listImages } from '../../runtime/list-images';
import { listContainers } from '../../runtime/containers/list';
import { containersUsingVolume, listVolumes } from '../../runtime/volumes/volumes';
import { login } from '../../runtime/login';
import { readJson, sendJson } from '../respond';
import type { DockerRoutes } from './route';
import { dockerImageSummary } from './translate/image-shape';
import { dockerSummary } from './translate/container-shape';

export function registerDockerSystemRoutes(docker: DockerRoutes, rt: RuntimeContext): void {
  docker.route('GET', '/_ping', ({ req, res }) => {
    const headers = {
      'Content-Type': 'text/plain; charset=utf-8',
      'API-Version': API_VERSION,
      'Docker-Experimental': 'false',
      Ostype: 'linux',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
    };
    res.writeHead(200, { ...headers, 'Content-Length': 2 });
    res.end(req.method === 'HEAD' ? undefined : 'OK');
  });

  docker.route('GET', '/version', ({ res }) => {
    const v = version(rt);
    const details = { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Arch: v.Arch, Os: 'linux', KernelVersion: v.KernelVersion, GitCommit: v.GitCommit, BuildTime: v.BuildTime, GoVersion: `node ${process.version}`, Experimental: 'false' };
    sendJson(res, 200, {
      Platform: { Name: 'ForgeOne' },
      Components: [{ Name: 'Engine', Version: v.Version, Details: details }],
      Version: v.Version,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: v.GitCommit,
      GoVersion: `node ${process.version}`,
      Os: 'linux',
      Arch: v.Arch,
      KernelVersion: v.KernelVersion,
      BuildTime: v.BuildTime,
    });
  });

  docker.route('GET', '/info', ({ res }) => {
    const i = systemInfo(rt);
    sendJson(res, 200, {
      ID: i.ID,
      Containers: i.Containers,
      ContainersRunning: i.ContainersRunning,
      ContainersPaused: i.ContainersPaused,
      ContainersStopped: i.ContainersStopped,
      Images: i.Images,
      Driver: i.Driver,
      DriverStatus: [['Backing Filesystem', 'overlay']],
      Plugins: { Volume: ['local'], Network: [], Authorization: null, Log: ['k8s-file'] },
      MemoryLimit: true,
      SwapLimit: true,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: false,
      PidsLimit: true,
      IPv4Forwarding: false,
      Debug: false,
      NFd: 0,
      OomKillDisable: false,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'k8s-file',
      CgroupDriver: i.CgroupDriver,
      CgroupVersion: i.CgroupVersion,
      NEventsListener: 0,
      KernelVersion: i.KernelVersion,
      OperatingSystem: i.OperatingSystem,
      OSVersion: '',
      OSType: 'linux',
      Architecture: i.Architecture,
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: { InsecureRegistryCIDRs: i.RegistryConfig.InsecureRegistryCIDRs, IndexConfigs: {}, Mirrors: i.RegistryConfig.Mirrors },
      NCPU: i.NCPU,
      MemTotal: i.MemTotal,
      DockerRootDir: i.DockerRootDir,
      Name: i.Name,
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: i.ServerVersion,
      Runtimes: Object.fromEntries(Object.entries(i.Runtimes).filter(([, r]) => r.available).map(([name, r]) => [name, { path: r.path }])),
      DefaultRuntime: i.DefaultRuntime,
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: rt.initPath ?? '',
      SecurityOptions: i.SecurityOptions,
      Warnings: [],
      HttpProxy: '',
      HttpsProxy: '',
      NoProxy: '',
      KernelMemoryTCP: false,
      Containerd: null,
      ProductLicense: 'Apache-2.0',
      DefaultAddressPools: [],
      CDISpecDirs: [],
      HostName: os.hostname(),
    });
  });

  docker.route('GET', '/system/df', async ({ res }) => {
    const images = listImages(rt).map((i) => ({ ...dockerImageSummary(i), SharedSize: -1 }));
    const containers = await Promise.all(
      listContainers(rt, { all: true }).map(async (c) => dockerSummary(c, { rw: await rt.snapshotter.usage(c.Id).then((u) => u.bytes).catch(() => 0) })),
    );
    const { Volumes } = await listVolumes(rt);
    const volumes = await Promise.all(
      Volumes.map(async (v) => ({ ...v, UsageData: { Size: await rt.volumes.usage(v.Name).then((u) => u.bytes).catch(() => -1), RefCount: containersUsingVolume(rt, v.Name).length } })),
    );
    const layersSize = (await rt.store.list()).reduce((n, b) => n + b.size, 0);
    sendJson(res, 200, { LayersSize: layersSize, Images: images, Containers: containers, Volumes: volumes, BuildCache: [] });
  });

  docker.route('POST', '/auth', async ({ req, res }) => {
    const body = await readJson(req);
    const s = (k: string) => (typeof body[k] === 'string' && body[k] !== '' ? (body[k] as string) : undefined);
    const username = s('username');
    if (!username) throw new ForgeError('InvalidArgument', 'username is required');
    const password = s('password');
    const result = await login(rt, s('serveraddress'), { username, ...(password !== undefined ? { password } : {}) });
    sendJson(res, 200, { Status: result.Status, IdentityToken: '' });
  });
}
