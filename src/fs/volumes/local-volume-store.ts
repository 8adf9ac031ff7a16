/**
 * Named volumes of the `local` driver: `<volumes>/<name>/_data` (what containers mount) and
 * `<volumes>/<name>/volume.json` (driver, labels, options, creation time), as Docker lays them
 * out. The state DB belongs to another module, so fs keeps this small record itself. A volume
 * is built in a scratch dir and renamed into place, and removed by renaming it aside first: a
 * crash never leaves a half volume under a real name.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { errors } from '../../errors';
import { writeFileAtomic } from '../../util/atomic-file';
import { Limiter } from '../../util/concurrency';
import { diskUsage } from '../disk-usage';
import type {
  CreateVolumeOptions, DiskUsage, PopulateSource, PruneVolumesOptions, PruneVolumesResult, Volume, VolumeStore,
} from '../types';
import { copyTree } from './copy-tree';
import { resolveInRoot } from './scoped-path';

export interface VolumeStoreConfig {
  /** Where volumes live: `<data root>/volumes`. */
  root: string;
  /** Whether a container uses the volume (asked before remove and prune). Default: never. */
  inUse?: (name: string) => boolean | Promise<boolean>;
}

/** Docker's rule for local volume names. */
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const RECORD = 'volume.json';
const DATA = '_data';

type VolumeRecord = Omit<Volume, 'mountpoint' | 'scope'>;

/** The local volume store, with its directory made on first use. */
export function createVolumeStore(config: VolumeStoreConfig): LocalVolumeStore {
  return new LocalVolumeStore(config);
}

export class LocalVolumeStore implements VolumeStore {
  private readonly lock = new Limiter(1);
  private ready: Promise<void> | undefined;

  constructor(private readonly options: VolumeStoreConfig) {}

  /** Creates the directory and removes what a crash left half made or half removed; once. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      await fs.mkdir(this.options.root, { recursive: true, mode: 0o711 });
      for (const name of await fs.readdir(this.options.root)) {
        if (name.startsWith('.')) await fs.rm(path.join(this.options.root, name), { recursive: true, force: true });
      }
    })().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  async create(options: CreateVolumeOptions = {}): Promise<Volume> {
    const anonymous = options.name === undefined;
    const name = options.name ?? randomBytes(32).toString('hex');
    assertName(name);
    await this.init();
    if ((options.driver ?? 'local') !== 'local') throw errors.notImplemented(`volume driver "${options.driver}" is not supported; use local`);
    if (Object.keys(options.driverOpts ?? {}).length > 0) {
      throw errors.notImplemented('local volume driver options (type, device, o) are not supported yet');
    }
    const record: VolumeRecord = { name, driver: 'local', labels: { ...(options.labels ?? {}) }, options: {}, createdAt: new Date().toISOString(), anonymous };
    const scratch = path.join(this.options.root, `.tmp-${randomBytes(6).toString('hex')}`);
    await fs.mkdir(path.join(scratch, DATA), { recursive: true });
    await fs.chmod(scratch, 0o711);
    await fs.chmod(path.join(scratch, DATA), 0o755);
    await writeFileAtomic(path.join(scratch, RECORD), JSON.stringify(record, null, 2) + '\n', 0o600);
    try {
      await fs.rename(scratch, this.volumeDir(name));
    } catch (err) {
      await fs.rm(scratch, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw errors.alreadyExists(`volume ${name} already exists`);
      throw err;
    }
    return this.toVolume(record);
  }

  async get(name: string): Promise<Volume> {
    if (!NAME_RE.test(name)) throw errors.notFound(`volume ${name} does not exist`);
    try {
      return this.toVolume(JSON.parse(await fs.readFile(path.join(this.volumeDir(name), RECORD), 'utf8')) as VolumeRecord);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw errors.notFound(`volume ${name} does not exist`);
      throw err;
    }
  }

  async list(): Promise<Volume[]> {
    await this.init();
    const out: Volume[] = [];
    for (const name of await fs.readdir(this.options.root)) {
      if (!NAME_RE.test(name)) continue;
      try {
        out.push(await this.get(name));
      } catch (err) {
        if ((err as { code?: string }).code !== 'NotFound') throw err;
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async remove(name: string, options: { force?: boolean } = {}): Promise<void> {
    await this.lock.run(async () => {
      try {
        await this.get(name);
      } catch (err) {
        if (options.force && (err as { code?: string }).code === 'NotFound') return;
        throw err;
      }
      // Docker refuses an in-use volume even with --force: the data is live in a container.
      if (await this.inUse(name)) throw errors.failedPrecondition(`volume ${name} is in use`, { hint: 'remove the containers using it first' });
      const doomed = path.join(this.options.root, `.rm-${randomBytes(6).toString('hex')}`);
      await fs.rename(this.volumeDir(name), doomed);
      await fs.rm(doomed, { recursive: true, force: true });
    });
  }

  async prune(options: PruneVolumesOptions = {}): Promise<PruneVolumesResult> {
    const result: PruneVolumesResult = { volumesDeleted: [], spaceReclaimed: 0 };
    for (const volume of await this.list()) {
      if (!options.all && !volume.anonymous) continue;
      if (!matchesLabels(volume.labels, options.labels ?? [])) continue;
      if (await this.inUse(volume.name)) continue;
      const { bytes } = await diskUsage(volume.mountpoint);
      try {
        await this.remove(volume.name);
      } catch (err) {
        // Put in use or removed since we listed it: not ours to prune any more.
        if (['FailedPrecondition', 'NotFound'].includes((err as { code?: string }).code ?? '')) continue;
        throw err;
      }
      result.volumesDeleted.push(volume.name);
      result.spaceReclaimed += bytes;
    }
    return result;
  }

  async populateFrom(name: string, source: PopulateSource): Promise<boolean> {
    const volume = await this.get(name);
    if ((await fs.readdir(volume.mountpoint)).length > 0) return false;
    const from = await resolveInRoot(source.rootfs, source.path);
    const st = await fs.lstat(from).catch(() => undefined);
    if (!st || !st.isDirectory()) return false;
    await copyTree(from, volume.mountpoint);
    // Docker gives the volume root the image directory's owner and mode too.
    await fs.lchown(volume.mountpoint, st.uid, st.gid);
    await fs.chmod(volume.mountpoint, st.mode & 0o7777);
    return true;
  }

  async usage(name: string): Promise<DiskUsage> {
    return diskUsage((await this.get(name)).mountpoint);
  }

  private volumeDir(name: string): string {
    return path.join(this.options.root, name);
  }

  private toVolume(record: VolumeRecord): Volume {
    return { ...record, mountpoint: path.join(this.volumeDir(record.name), DATA), scope: 'local' };
  }

  private async inUse(name: string): Promise<boolean> {
    return (await this.options.inUse?.(name)) ?? false;
  }
}

function assertName(name: string): void {
  if (!NAME_RE.test(name) || name.length > 255) {
    throw errors.invalidArgument(`"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`, {
      hint: 'to mount a host directory, give an absolute path',
    });
  }
}

/** `key` matches any value; `key=value` matches exactly. */
function matchesLabels(labels: Record<string, string>, filters: readonly string[]): boolean {
  return filters.every((f) => {
    const eq = f.indexOf('=');
    return eq < 0 ? f in labels : labels[f.slice(0, eq)] === f.slice(eq + 1);
  });
}
