/**
 * The overlay snapshotter: each layer unpacked once into its own snapshot dir (overlayfs format),
 * used as one lowerdir of every container rootfs that needs it. See ../../types.ts for the
 * contract; unpacking is in unpack-snapshot.ts, mount options in mount-spec.ts, a container's
 * dirs and record in container-layers.ts.
 *
 * Concurrency: prepares of one chain ID are single-flighted; unpacks run at most
 * `maxConcurrentUnpacks` at once; mount and removeContainerLayer share a lock that remove holds
 * alone, so a snapshot is never removed between a mount's check and its record, while mounts of
 * different containers run at once (20 containers started together no longer queue on it).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errors, isForgeError } from '../../../errors';
import { Limiter, ReadWriteLock, SingleFlight } from '../../../util/concurrency';
import { assertDigest, shortId, type Digest } from '../../../util/digest';
import { silentLogger, type Logger } from '../../../util/logger';
import { chainIds } from '../../chain-id';
import { diskUsage } from '../../disk-usage';
import type {
  DiskUsage, LayerSource, MountedRootfs, MountOptions, Mounter, PreparedImage, PrepareOptions, SnapshotInfo, Snapshotter, SpecialFiles,
} from '../../types';
import type { XattrPolicy } from '../../unpack/xattr-policy';
import { LinuxMounter } from '../../linux/mounter';
import { LinuxSpecialFiles } from '../../linux/special-files';
import { allRecords, containerLayerPaths, readRecord, sameRecord, writeRecord, type ContainerLayerRecord } from './container-layers';
import { assertMountablePath, overlaySupportsVolatile, rootfsMountSpec } from './mount-spec';
import { SnapshotDirs } from './snapshot-dirs';
import { unpackSnapshot } from './unpack-snapshot';

export interface OverlaySnapshotterOptions {
  /** `<root>/snapshots`. */
  snapshotsDir: string;
  /** `<root>/containers` (shared with the runtime; fs/ owns upper, work, rootfs, layer.json in each). */
  containersDir: string;
  mounter: Mounter;
  special: SpecialFiles;
  /** Flush each snapshot to disk before it counts as complete (survives power loss). Default true. */
  durable?: boolean;
  /** Layers unpacked at once across all prepares. Default 2. */
  maxConcurrentUnpacks?: number;
  /** Which PAX xattrs to keep. Default: see unpack/xattr-policy.ts. */
  xattrPolicy?: XattrPolicy;
  logger?: Logger;
}

/** What the composition root gives: where things live; the Linux adapters are made here. */
export interface SnapshotterConfig {
  /** The data root (`--root`). */
  root: string;
  /** Default `<root>/snapshots`. */
  snapshots?: string;
  /** Default `<root>/containers`. */
  containers?: string;
  /** See OverlaySnapshotterOptions.durable. Default true. */
  durable?: boolean;
  logger?: Logger;
}

/** The overlay snapshotter on this host (mount(8), mknod, setfattr), initialised on first use. */
export function createSnapshotter(config: SnapshotterConfig): OverlaySnapshotter {
  return new OverlaySnapshotter({
    snapshotsDir: config.snapshots ?? path.join(config.root, 'snapshots'),
    containersDir: config.containers ?? path.join(config.root, 'containers'),
    mounter: new LinuxMounter(),
    special: new LinuxSpecialFiles(),
    ...(config.durable !== undefined ? { durable: config.durable } : {}),
    ...(config.logger ? { logger: config.logger } : {}),
  });
}

export class OverlaySnapshotter implements Snapshotter {
  private readonly dirs: SnapshotDirs;
  private readonly flights = new SingleFlight<boolean>();
  private readonly unpacks: Limiter;
  private readonly lock = new ReadWriteLock();
  /** Chain IDs that a prepare in progress relies on, with how many prepares. */
  private readonly preparing = new Map<string, number>();
  private ready: Promise<void> | undefined;

  constructor(private readonly options: OverlaySnapshotterOptions) {
    assertMountablePath(options.snapshotsDir, 'snapshots dir');
    assertMountablePath(options.containersDir, 'containers dir');
    this.dirs = new SnapshotDirs(options.snapshotsDir);
    this.unpacks = new Limiter(options.maxConcurrentUnpacks ?? 2);
  }

  /** Creates the directories and removes half-made snapshots a crash left; once, on first use. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      await this.dirs.init();
      await fs.mkdir(this.options.containersDir, { recursive: true, mode: 0o711 });
    })().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  async prepare(layers: readonly LayerSource[], options: PrepareOptions = {}): Promise<PreparedImage> {
    if (layers.length === 0) throw errors.invalidArgument('an image with no layers has no filesystem to prepare');
    const ids = chainIds(layers.map((l) => l.diffId));
    for (const l of layers) assertDigest(l.digest, 'layer digest');
    // Registered before the first await, so a remove() called right after sees it.
    for (const id of ids) this.preparing.set(id, (this.preparing.get(id) ?? 0) + 1);
    try {
      await this.init();
      for (let i = 0; i < layers.length; i++) {
        const layer = layers[i]!;
        const chainId = ids[i]!;
        // Another prepare is making this snapshot: its own source serves. A stream given here is
        // closed at once rather than left unread while we wait: its writer (a download mirroring
        // into it) would wait for it to drain, and might be what the other prepare waits for.
        if (layer.stream && this.flights.has(chainId)) layer.stream.destroy();
        const created = await this.flights.do(chainId, async () => {
          if (await this.dirs.exists(chainId)) return false;
          await this.unpacks.run(() =>
            unpackSnapshot(
              { layer, chainId, parent: ids[i - 1], lowers: ids.slice(0, i).reverse().map((c) => this.dirs.fsDir(c)) },
              {
                dirs: this.dirs,
                special: this.options.special,
                xattrPolicy: this.options.xattrPolicy,
                durable: this.options.durable ?? true,
                logger: this.options.logger ?? silentLogger,
                onProgress: options.onProgress,
              },
            ),
          );
          return true;
        });
        options.onProgress?.({ id: shortId(layer.digest), status: created ? 'Pull complete' : 'Already exists' });
      }
    } finally {
      for (const id of ids) {
        const n = (this.preparing.get(id) ?? 1) - 1;
        if (n <= 0) this.preparing.delete(id);
        else this.preparing.set(id, n);
      }
    }
    return { chainIds: ids, topChainId: ids.at(-1)! };
  }

  async mount(containerId: string, chain: readonly Digest[], options: MountOptions = {}): Promise<MountedRootfs> {
    const paths = containerLayerPaths(this.options.containersDir, containerId);
    if (chain.length === 0) throw errors.invalidArgument('mount needs at least one snapshot');
    const record: ContainerLayerRecord = { chain: chain.map((c) => assertDigest(c, 'chain ID')), readonly: options.readonly ?? false };
    await this.init();
    return this.lock.shared(async () => {
      for (const c of record.chain) {
        if (!(await this.dirs.exists(c))) throw errors.notFound(`snapshot ${c} does not exist`, { hint: 'prepare the image first' });
      }
      if (await this.isMounted(containerId)) {
        const existing = await readRecord(paths.record);
        if (existing && sameRecord(existing, record)) return { rootfs: paths.rootfs };
        throw errors.failedPrecondition(`container ${containerId} is already mounted from another chain`);
      }
      await fs.mkdir(paths.dir, { recursive: true, mode: 0o700 });
      await fs.mkdir(paths.rootfs, { recursive: true, mode: 0o755 });
      if (!record.readonly) {
        await fs.mkdir(paths.upper, { recursive: true, mode: 0o755 });
        await fs.mkdir(paths.work, { recursive: true, mode: 0o700 });
      }
      await writeRecord(paths.record, record);
      const volatile = (options.volatile ?? false) && !record.readonly && overlaySupportsVolatile();
      // A volatile upper dir, once mounted, carries a marker that makes overlay refuse to mount
      // it again (it may be incomplete after a crash). Mounting one again only happens to a
      // container removed at exit that had not run yet (a host reboot after create): drop it.
      if (volatile) await fs.rm(path.join(paths.work, 'work', 'incompat', 'volatile'), { recursive: true, force: true });
      const topFirst = [...record.chain].reverse();
      const spec = await rootfsMountSpec({
        target: paths.rootfs,
        lowers: topFirst.map((c) => this.dirs.fsDir(c)),
        shortLowers: () => Promise.all(topFirst.map((c) => this.dirs.ensureShortLink(c))),
        snapshotsDir: this.options.snapshotsDir,
        ...(record.readonly ? {} : { upper: { upperdir: paths.upper, workdir: paths.work } }),
        volatile,
      });
      await this.options.mounter.mount(spec);
      return { rootfs: paths.rootfs };
    });
  }

  async unmount(containerId: string): Promise<void> {
    const { rootfs } = containerLayerPaths(this.options.containersDir, containerId);
    // Mounts can stack on one target (a retried mount): unmount until none is left.
    for (let attempt = 0; attempt < 16 && (await this.isMounted(containerId)); attempt++) {
      try {
        await this.options.mounter.unmount(rootfs);
      } catch (err) {
        if (isForgeError(err, 'NotFound')) return;
        if (!isForgeError(err, 'Unavailable')) throw err;
        this.options.logger?.warn('rootfs busy, detaching lazily', { container: containerId });
        await this.options.mounter.unmount(rootfs, { detach: true }).catch((e: unknown) => {
          if (!isForgeError(e, 'NotFound')) throw e;
        });
      }
    }
  }

  async isMounted(containerId: string): Promise<boolean> {
    const { rootfs } = containerLayerPaths(this.options.containersDir, containerId);
    return this.options.mounter.isMountPoint(rootfs);
  }

  async removeContainerLayer(containerId: string): Promise<void> {
    const paths = containerLayerPaths(this.options.containersDir, containerId);
    await this.lock.shared(async () => {
      const mounted = await this.options.mounter.mountPoints(paths.dir);
      if (mounted.length > 0) {
        throw errors.failedPrecondition(`container ${containerId} still has mounts under its dir: ${mounted.join(', ')}`, {
          hint: 'unmount the rootfs first',
        });
      }
      for (const p of [paths.upper, paths.work, paths.rootfs, paths.record]) await fs.rm(p, { recursive: true, force: true });
      await fs.rmdir(paths.dir).catch(() => undefined); // other modules' files may still be there
    });
  }

  async usage(containerId: string): Promise<DiskUsage> {
    const { upper } = containerLayerPaths(this.options.containersDir, containerId);
    try {
      await fs.access(upper);
    } catch {
      throw errors.notFound(`container ${containerId} has no writable layer`);
    }
    return diskUsage(upper);
  }

  async list(): Promise<SnapshotInfo[]> {
    await this.init();
    return this.dirs.list();
  }

  async remove(chainId: Digest): Promise<void> {
    assertDigest(chainId, 'chain ID');
    await this.lock.exclusive(async () => {
      if (this.preparing.has(chainId)) throw errors.failedPrecondition(`snapshot ${chainId} is being prepared`);
      if (!(await this.dirs.exists(chainId))) throw errors.notFound(`snapshot ${chainId} does not exist`);
      const child = (await this.dirs.list()).find((s) => s.parent === chainId);
      if (child) throw errors.failedPrecondition(`snapshot ${chainId} is the parent of ${child.chainId}; remove that first`);
      for (const [id, record] of await allRecords(this.options.containersDir)) {
        if (record.chain.includes(chainId)) {
          throw errors.failedPrecondition(`snapshot ${chainId} is in use by container ${id}`, { details: { container: id } });
        }
      }
      await this.dirs.remove(chainId);
    });
  }
}
