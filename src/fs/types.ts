/**
 * Contracts of the fs module: the snapshotter (image layers → snapshots → a container's rootfs),
 * named volumes, and the two host seams they act through (mounts, special files).
 *
 * Terms. A *layer* is one tar blob of an image (compressed or not); its *diffID* is the sha256 of
 * the uncompressed tar. A *snapshot* is one layer unpacked on disk, keyed by its *chain ID*
 * (OCI image-spec: chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " +
 * diffID(Ln))), so the same layer on top of different parents is a different snapshot. Each
 * snapshot is stored in overlayfs format (whiteouts are 0/0 character devices, opaque directories
 * carry `trusted.overlay.opaque=y`) and is used directly as one overlay lowerdir. A *container
 * layer* is a container's own upper and work dirs plus the rootfs mount point where the overlay
 * of its image's snapshots is mounted.
 *
 * Lifecycle: prepare(layers) once per image → mount(container, chain) per container start →
 * unmount → removeContainerLayer at container removal → remove(chainId) when no image uses it.
 */
import type { Readable } from 'node:stream';
import type { Digest } from '../util/digest';
import type { ProgressSink } from '../util/progress';

/** One layer blob as the content store holds it; runtime/ resolves `path` from the store. */
export interface LayerSource {
  /** Digest of the blob as stored (compressed), for progress lines. */
  digest: Digest;
  /** The layer's media type; tar, tar+gzip and tar+zstd are unpacked, `+encrypted` is refused. */
  mediaType: string;
  /** The config's rootfs.diff_ids entry: sha256 of the uncompressed tar, verified while unpacking. */
  diffId: Digest;
  /** Path of the blob file. */
  path: string;
  /**
   * The blob's bytes as they download, to unpack while the download runs (once; the stream must
   * end only after the blob verified, and fail otherwise). Without it, `path` is read.
   */
  stream?: Readable;
  /** Size of the blob in bytes (the total of progress lines). */
  size: number;
}

export interface PrepareOptions {
  /** Docker-shaped progress: `Extracting` with byte counts, then `Pull complete` or `Already exists`. */
  onProgress?: ProgressSink;
}

export interface PreparedImage {
  /** Chain IDs of the image's layers, bottom layer first. */
  chainIds: Digest[];
  /** The last of chainIds: the snapshot that names the whole image's filesystem. */
  topChainId: Digest;
}

export interface MountOptions {
  /**
   * A read-only view with no upper dir (`docker create --read-only` uses an upper dir and a
   * read-only spec instead; this is for inspecting an image). Default false.
   */
  readonly?: boolean;
  /**
   * The upper dir is thrown away when the container ends (`run --rm`): mount it with overlay's
   * `volatile`, so neither the container's syncs nor its unmount flush the host filesystem the
   * upper dir is on (that flush waited for every dirty page on the host: 100+ ms on a busy one,
   * bench/README.md). After a host crash such an upper dir may be incomplete, which does not
   * matter for a container that is removed. Ignored on kernels before 5.10. Default false.
   */
  volatile?: boolean;
}

export interface MountedRootfs {
  /** Absolute path of the mounted root filesystem: `<containers>/<id>/rootfs`. */
  rootfs: string;
}

export interface SnapshotInfo {
  chainId: Digest;
  /** Chain ID of the snapshot below, absent for a bottom layer. */
  parent?: Digest;
  diffId: Digest;
  /** Digest of the blob it was unpacked from. */
  digest: Digest;
  /** Bytes of the uncompressed tar. */
  size: number;
  createdAt: string;
}

export interface DiskUsage {
  /** Sum of the sizes of files, symlinks and other non-directories; hard links counted once. */
  bytes: number;
  /** Number of entries, directories included. */
  inodes: number;
}

/**
 * Unpacks layers into snapshots and mounts them as containers' root filesystems.
 * Every method is safe to call concurrently; `prepare` of a layer already unpacked (or being
 * unpacked by another call) does no work of its own.
 */
export interface Snapshotter {
  /**
   * Unpacks each layer once, bottom first, into `<snapshots>/<chainIdHex>/fs`, verifying the
   * uncompressed stream against its diffID (mismatch: InvalidArgument, nothing kept). A layer is
   * unpacked into a temp dir beside its final place and renamed when complete, so a crash never
   * leaves a snapshot that looks complete. Empty `layers`: InvalidArgument.
   */
  prepare(layers: readonly LayerSource[], options?: PrepareOptions): Promise<PreparedImage>;
  /**
   * Creates `<containers>/<id>/{upper,work,rootfs}` and mounts overlay there: lowerdir = the chain
   * top→bottom, plus upperdir and workdir (an image of a single layer still gets overlay). Read-only:
   * no upper; a single layer is then bind-mounted read-only (overlay needs two lowers without an upper).
   * Mounting again with the same chain and options returns the existing mount; NotFound when a snapshot
   * of the chain is missing; FailedPrecondition when the container is mounted with another chain.
   */
  mount(containerId: string, chain: readonly Digest[], options?: MountOptions): Promise<MountedRootfs>;
  /** Unmounts the rootfs; idempotent; detaches lazily when the mount is busy. */
  unmount(containerId: string): Promise<void>;
  /** Whether the container's rootfs is mounted now (recovery after a daemon restart). */
  isMounted(containerId: string): Promise<boolean>;
  /** Removes upper, work and rootfs; FailedPrecondition while mounted; idempotent. */
  removeContainerLayer(containerId: string): Promise<void>;
  /** What the container wrote: the contents of its upper dir. NotFound without a container layer. */
  usage(containerId: string): Promise<DiskUsage>;
  list(): Promise<SnapshotInfo[]>;
  /**
   * Removes a snapshot. FailedPrecondition while a container layer (mounted or not) uses it, while a
   * snapshot above it exists, or while it is being prepared; NotFound when absent.
   */
  remove(chainId: Digest): Promise<void>;
}

/** A mount to make; `options` are the comma-joined data (`lowerdir=…`, `ro`, `bind`). */
export interface MountSpec {
  /** `overlay`, or `bind` for a bind mount of `source`. */
  type: 'overlay' | 'bind';
  source: string;
  target: string;
  options: string[];
  /**
   * Working directory of the mount call. Overlay resolves relative lowerdirs against it, which keeps
   * the option string of a many-layer image within the kernel's one-page limit (containerd's trick).
   */
  cwd?: string;
}

/**
 * The mount seam (STYLE rule 10): only its Linux adapter touches mount(8); a recording fake
 * serves unit tests. Errors: `unmount` of something not mounted → NotFound; busy → Unavailable.
 */
export interface Mounter {
  mount(spec: MountSpec): Promise<void>;
  /** `detach`: MNT_DETACH (`umount -l`), for a busy mount. Default false. */
  unmount(target: string, options?: { detach?: boolean }): Promise<void>;
  /**
   * Mount points at or beneath `dir` (resolved through symlinks first), deepest last. Used to
   * ask whether a rootfs is mounted, and to never delete a tree with something mounted in it.
   */
  mountPoints(dir: string): Promise<string[]>;
  /** Whether something is mounted at `target` (overlay or bind): mountPoints(target).includes(target), cheaper. */
  isMountPoint(target: string): Promise<boolean>;
}

/** One extended attribute to set on a path (never following a symlink at the path). */
export interface XattrWrite {
  path: string;
  name: string;
  value: Buffer;
}

/**
 * The files Node cannot make by itself: device nodes (only overlay whiteouts), fifos, extended
 * attributes, and a filesystem sync. Callers pass absolute paths whose parent directories they
 * have verified hold no symlink. The Linux adapter runs mknod, mkfifo, setfattr (Debian `attr`)
 * and sync -f, batched so that a layer costs a few processes, not one per file.
 */
export interface SpecialFiles {
  /** Creates overlay whiteouts: character devices 0/0 with mode 0, owned by root. */
  makeWhiteouts(paths: readonly string[]): Promise<void>;
  makeFifo(path: string, mode: number): Promise<void>;
  /** lsetxattr each entry; a failure of any is an error naming it. */
  setXattrs(writes: readonly XattrWrite[]): Promise<void>;
  /** Flushes the filesystem holding `path` to disk (syncfs). */
  syncFs(path: string): Promise<void>;
}

export interface Volume {
  name: string;
  driver: 'local';
  /** The directory bind-mounted into containers: `<volumes>/<name>/_data`. */
  mountpoint: string;
  labels: Record<string, string>;
  options: Record<string, string>;
  scope: 'local';
  /** RFC 3339. */
  createdAt: string;
  /** Created without a name (for an image's VOLUME or `-v /path`); `prune` without `all` removes only these. */
  anonymous: boolean;
}

export interface CreateVolumeOptions {
  /** Default: a random 64-hex name, and the volume is anonymous. */
  name?: string;
  /** Only `local` exists. Default `local`. */
  driver?: string;
  labels?: Record<string, string>;
  /** Driver options (`type`, `device`, `o`): not supported yet, NotImplemented when given. */
  driverOpts?: Record<string, string>;
}

export interface PruneVolumesOptions {
  /** Named volumes too, not only anonymous ones (Docker API 1.42+ `all=true`). Default false. */
  all?: boolean;
  /** Only volumes whose labels match all of these (`key` or `key=value`). Default: any. */
  labels?: string[];
}

export interface PruneVolumesResult {
  volumesDeleted: string[];
  spaceReclaimed: number;
}

/** Where `populateFrom` copies from: a path as the container sees it, inside a mounted rootfs. */
export interface PopulateSource {
  /** The container's mounted rootfs (host path). */
  rootfs: string;
  /** The mount target inside the container, e.g. `/var/lib/data`; symlinks resolve inside rootfs. */
  path: string;
}

/**
 * Named volumes of the `local` driver, with their metadata in a JSON file beside the data.
 * Whether a volume is in use is the caller's knowledge (containers are in the state DB): it is
 * asked through the `inUse` callback given at construction.
 */
export interface VolumeStore {
  /** AlreadyExists when the name is taken; InvalidArgument for a bad name. */
  create(options?: CreateVolumeOptions): Promise<Volume>;
  /** NotFound when absent. */
  get(name: string): Promise<Volume>;
  list(): Promise<Volume[]>;
  /**
   * FailedPrecondition while in use (even with `force`, as Docker); NotFound when absent unless
   * `force` (then a no-op).
   */
  remove(name: string, options?: { force?: boolean }): Promise<void>;
  prune(options?: PruneVolumesOptions): Promise<PruneVolumesResult>;
  /**
   * Docker's copy-up: when the volume is empty and `source.path` is a directory in the image,
   * copies its content (modes, owners, times, symlinks, hard links; not xattrs) and the
   * directory's own mode and owner into the volume. False when the volume was not empty or the
   * image has no directory there (nothing done).
   */
  populateFrom(name: string, source: PopulateSource): Promise<boolean>;
  usage(name: string): Promise<DiskUsage>;
}
