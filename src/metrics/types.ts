/**
 * metrics/: what containers use, read from the kernel's cgroups, and the Prometheus exposition
 * of those readings and of the daemon's own metrics (API latency, start latency, pulls, the Node
 * process).
 *
 * Terms. A *cgroup path* is a cgroup's path inside its hierarchy, the OCI spec's
 * `linux.cgroupsPath` (`/forgeone/<id>`): the same for every v1 controller and for cgroup2.
 * A *sample* is one container as the exposition sees it: identity, lifecycle facts from the
 * state store, and the resource stats measured now (none for a container with no live task).
 *
 * Lifecycle. The daemon creates one CgroupReader for the host (detect.ts picks v1 or v2 from
 * /proc/self/mountinfo) and one DaemonMetrics; nothing is polled in the background: every scrape
 * reads the cgroups of the live containers at once (`readMany`) and renders.
 */
import type { ResourceStats } from '../config/container-stats';
import type { ContainerState } from '../lifecycle/container-states';

export type CgroupVersion = 'v1' | 'v2';

/**
 * Reads the resource usage of many cgroups at once. Implementations keep the files they read
 * open between calls (re-reading an open cgroup file is several times cheaper than opening it),
 * close those of cgroups no longer asked for at the next `readMany`, and read in short
 * synchronous slices so the event loop is never held for more than a few milliseconds.
 */
export interface CgroupReader {
  readonly version: CgroupVersion;
  /** Where it reads from, for logs and `info`: `/sys/fs/cgroup/unified`, `v1: memory=/sys/...`. */
  readonly source: string;
  /**
   * Stats of each cgroup that exists; a cgroup that does not (its task exited, or it was never
   * created) is absent from the result. A controller that is not available leaves its group of
   * ResourceStats out. With `all` (a full scrape), `cgroupPaths` is every cgroup of interest:
   * their files stay open for the next scrape and those of any other cgroup are closed; without
   * it (one container's stats) files already open are used and no new one is kept. `detail`
   * adds every raw memory.stat counter (MemoryStats.stat), which Docker-shaped stats show and
   * scrapes leave out.
   */
  readMany(cgroupPaths: readonly string[], options?: ReadOptions): Promise<Map<string, ResourceStats>>;
  /** Closes every file held open. */
  close(): void;
}

export interface ReadOptions {
  all?: boolean;
  detail?: boolean;
}

/** One container at scrape time. */
export interface ContainerSample {
  id: string;
  name: string;
  /** The image reference the user gave. */
  image: string;
  engine: string;
  state: ContainerState;
  restartCount: number;
  /** Unix milliseconds of the last start, if it ever started. */
  startedAt?: number;
  /** The last exit code, once it exited. */
  exitCode?: number;
  /** Measured now; absent when the container has no live task or nothing could be read. */
  stats?: ResourceStats;
}

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export interface Exposition {
  contentType: string;
  body: string;
}

/** Events the runtime and the API report as they happen (daemon metrics). */
export interface MetricsRecorder {
  /** One API request answered; `route` is the route pattern, never the raw path (bounded labels). */
  apiRequest(request: { method: string; route: string; status: number; seconds: number }): void;
  /** Engine create + start of a container's task. */
  containerStart(engine: string, seconds: number): void;
  /** One pull finished; `bytes` fetched from registries (0 when all was in the store). */
  imagePull(outcome: string, bytes: number): void;
}

/** The daemon's metrics: the recorder, the host's cgroup reader, and exposition. */
export interface DaemonMetrics extends MetricsRecorder {
  /** Undefined on a host with no usable cgroups (containers then report no resource stats). */
  readonly cgroups: CgroupReader | undefined;
  /** The daemon's own families followed by the containers'. */
  render(containers: readonly ContainerSample[], format: ExpositionFormat, collectSeconds: number): Promise<Exposition>;
  /** Only the containers' families (`/v1/containers/{id}/metrics`). */
  renderContainers(containers: readonly ContainerSample[], format: ExpositionFormat): Exposition;
  close(): void;
}
