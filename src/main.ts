/**
 * The daemon's composition root: the one place where concrete implementations are created and
 * wired together (content store, registry client, SQLite repositories, API server). Nothing
 * imports this file except the entry point.
 */
// First, before any module imports zod: its locales then load only when asked for (~2 MB).
import './util/zod-locales';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadDaemonConfig, type DaemonConfig } from './config/daemon-config';
import { dataPaths, type DataPaths } from './config/paths';
import { ForgeError } from './errors';
import { createLogger, type Logger, type LogLevel } from './util/logger';
import { Limiter, SingleFlight } from './util/concurrency';
import { OciLayoutStore } from './registry/content/oci-layout-store';
import { RegistryClient } from './registry/distribution/client';
import { normalizeRegistryHost } from './registry/auth/docker-config';
import { defaultPlatform } from './registry/platform';
import { openDatabase, type Db } from './state/database';
import { acquireRootLock, type RootLock } from './state/root-lock';
import { ImagesRepository } from './state/images-repository';
import { BlobSourcesRepository } from './state/blob-sources-repository';
import { EventsRepository } from './state/events-repository';
import type { RuntimeContext } from './runtime/context';
import { EventBus } from './runtime/events';
import { recover } from './runtime/recover';
import { createApiServer, listenOnSocket } from './api/server';
import type { PullResult } from './config/api-types';
import { ContainersRepository } from './state/containers-repository';
import { ContainerLocks } from './runtime/containers/locks';
import { ExitMonitor } from './runtime/containers/monitor';
import { PendingAttachments } from './runtime/containers/attach';
import { ExecSessions } from './runtime/containers/exec';
import { restartAfterExit } from './runtime/containers/start';
import { removeContainer } from './runtime/containers/remove';
import { recoverContainers } from './runtime/containers/recover';
import { containersUsingVolume } from './runtime/volumes/volumes';
import { NativeEngine, prepareCgroups } from './engine/native';
import { wasmEngineDescriptor, type WasmEngine } from './engine/wasm';
import type { Engine, EngineKind } from './engine/types';
import { createSnapshotter, createVolumeStore } from './fs';
import { findInit } from './host';
import { readHostLimits } from './security/rlimits';
import { detectCgroupReader, PromDaemonMetrics } from './metrics';
import { createMetricsServer, listenOnAddress } from './api/metrics-server';
import type * as http from 'node:http';
import { BindMountNetns, IptablesFirewall, PluginCniRunner } from './network';
import { NetworksRepository } from './state/networks-repository';
import { ensureNetworks } from './runtime/networks/default-network';
import { releaseAfterExit } from './runtime/networks/sandbox';
import { settleReleases } from './runtime/networks/services';
import { SandboxPool } from './runtime/networks/pool';

export interface DaemonOptions {
  root: string;
  runroot: string;
  config: string | undefined;
  logLevel: string | undefined;
}

export interface RunningDaemon {
  rt: RuntimeContext;
  paths: DataPaths;
  stop(): Promise<void>;
}

function productVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0-unknown';
  }
}

function groupId(name: string): number | undefined {
  try {
    const line = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name}:`));
    const gid = line ? Number(line.split(':')[2]) : NaN;
    return Number.isInteger(gid) ? gid : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the daemon and returns once it serves the API. */
export async function startDaemon(options: DaemonOptions, logger?: Logger): Promise<RunningDaemon> {
  const config: DaemonConfig = loadDaemonConfig(options.config);
  const log = logger ?? createLogger((options.logLevel as LogLevel | undefined) ?? config['log-level']);
  const paths = dataPaths(path.resolve(config.root ?? options.root), path.resolve(config.runroot ?? options.runroot));
  await fs.mkdir(paths.root, { recursive: true, mode: 0o711 });
  await fs.mkdir(paths.runroot, { recursive: true, mode: 0o711 });
  const lock: RootLock = acquireRootLock(paths.lockFile);
  let db: Db | undefined;
  try {
    db = openDatabase(paths.database);
    const store = new OciLayoutStore({ root: paths.content, ingest: paths.ingest });
    await store.init();
    const eventLog = new EventsRepository(db);
    const containers = new ContainersRepository(db);
    await prepareCgroups({ mode: config['cgroups-fix'], logger: log });
    const engines = new Map<EngineKind, Engine>([
      ['native', new NativeEngine({ runtime: config.runtime, stateDir: path.join(paths.runroot, 'containers'), bundleRoot: paths.containers, runtimeRoot: path.join(paths.runroot, config.runtime), logger: log })],
    ]);
    // WASM (issue 5): tasks in host processes of their own; state on tmpfs beside native tasks'.
    const wasm = wasmEngineDescriptor.create({ stateDir: path.join(paths.runroot, 'wasm'), logger: log, poolSize: config['wasm-pool-size'] }) as WasmEngine;
    engines.set('wasm', wasm);
    const monitor = new ExitMonitor();
    // metrics (issue 6): after prepareCgroups, which may move controllers between hierarchies.
    const cgroups = await detectCgroupReader().catch((err: unknown) => void log.warn('metrics: cannot read cgroup mounts', { error: (err as Error).message }));
    const metrics = new PromDaemonMetrics({ version: productVersion(), cgroups: cgroups ?? undefined });
    log.info('metrics: container stats from cgroups', { source: cgroups?.source ?? 'none found' });
    const registry = new RegistryClient({ config, userAgent: `forgeone/${productVersion()} (node ${process.version})` });
    const rt: RuntimeContext = {
      config,
      paths,
      store,
      images: new ImagesRepository(db),
      blobSources: new BlobSourcesRepository(db),
      eventLog,
      events: new EventBus(eventLog),
      logger: log,
      distribution: (host, credentials) =>
        registry.forRequest(
          credentials ? { credentials: (h) => (normalizeRegistryHost(h) === normalizeRegistryHost(host) ? credentials : undefined) } : {},
        ),
      hostPlatform: defaultPlatform(),
      startedAt: new Date(),
      pulls: new SingleFlight<PullResult>(),
      storeMutex: new Limiter(1),
      version: productVersion(),
      containers,
      containerLocks: new ContainerLocks(),
      engine: (kind) => {
        const engine = engines.get(kind);
        if (!engine) throw new ForgeError('Unavailable', `the ${kind} engine is not available on this daemon`);
        return engine;
      },
      monitor,
      snapshotter: createSnapshotter({ root: paths.root, containers: paths.containers, snapshots: paths.snapshots, logger: log }),
      volumes: createVolumeStore({ root: path.join(paths.root, 'volumes'), inUse: (name: string) => containersUsingVolume({ containers }, name).length > 0 }),
      hostLimits: readHostLimits(),
      initPath: findInit(),
      pendingAttachments: new PendingAttachments(),
      execSessions: new ExecSessions(),
      metrics,
      // Networking (issue 7): CNI state (leases) under the root, namespaces under the runroot.
      network: {
        repo: new NetworksRepository(db),
        cni: new PluginCniRunner(config['cni-plugin-dirs']),
        netns: new BindMountNetns(path.join(paths.runroot, 'netns')),
        firewall: new IptablesFirewall(),
        ipamDir: path.join(paths.root, 'network', 'ipam'),
        mutex: new Limiter(1),
        hostsMutex: new Limiter(1),
        reservedPorts: new Map(),
        releases: new Set(),
        pool: new SandboxPool(config['network-sandbox-pool']),
      },
    };
    monitor.bind(rt);
    monitor.restartHook = restartAfterExit;
    monitor.autoRemoveHook = (r, id) => removeContainer(r, id, { force: true, volumes: true }).then(() => undefined);
    monitor.exitHook = releaseAfterExit;
    // Without iptables or the CNI plugins the daemon still serves images and --network none/host.
    await ensureNetworks(rt).catch((err: unknown) =>
      log.error('networking is unavailable: the default bridge network could not be set up', { error: (err as Error).message, hint: 'install iptables and containernetworking-plugins' }),
    );
    await recover(rt);
    await recoverContainers(rt);
    const server = createApiServer(rt);
    await listenOnSocket(server, { socket: paths.socket, group: groupId(config.group) });
    let metricsServer: http.Server | undefined;
    if (config['metrics-address']) {
      metricsServer = createMetricsServer(rt);
      const bound = await listenOnAddress(metricsServer, config['metrics-address']).catch((err: unknown) => {
        server.close();
        throw err;
      });
      log.info('metrics served over TCP', { address: `${bound.host}:${bound.port}`, path: '/metrics' });
    }
    await fs.writeFile(paths.pidFile, `${process.pid}\n`);
    log.info('daemon started', { pid: process.pid, socket: paths.socket, root: paths.root, version: rt.version });

    let stopped = false;
    const finalDb = db;
    return {
      rt,
      paths,
      async stop() {
        if (stopped) return;
        stopped = true;
        monitor.stopAll();
        await settleReleases(rt.network); // CNI DELs of removed containers (issue 7)
        await rt.network.pool.drain(rt);
        await wasm.close(); // standby hosts only: running WASM tasks outlive the daemon
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (metricsServer) {
          const tcp = metricsServer;
          await new Promise<void>((resolve) => {
            tcp.close(() => resolve());
            tcp.closeAllConnections();
          });
        }
        metrics.close();
        await registry.close();
        await fs.rm(paths.socket, { force: true });
        await fs.rm(paths.pidFile, { force: true });
        finalDb.close();
        lock.release();
        log.info('daemon stopped');
      },
    };
  } catch (err) {
    db?.close();
    lock.release();
    throw err;
  }
}

/** `forgeone daemon`: runs until SIGTERM or SIGINT. */
export async function runDaemon(options: DaemonOptions): Promise<void> {
  const daemon = await startDaemon(options);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      daemon.rt.logger.info('stopping', { signal });
      // Containers do not depend on this process: a stop that hangs must not keep it alive.
      setTimeout(() => {
        daemon.rt.logger.error('stop did not finish within 10 s; exiting anyway');
        process.exit(1);
      }, 10_000).unref();
      daemon.stop().then(resolve, (err: unknown) => {
        daemon.rt.logger.error('stop failed', { error: (err as Error).message });
        resolve();
      });
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  // Everything is closed and flushed; helpers that keep the event loop alive (metric readers in
  // worker threads, exit-file polls) have nothing left to do.
  process.exit(0);
}
