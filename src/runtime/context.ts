/**
 * What every runtime verb works with: the stores, repositories and factories that src/main.ts
 * creates and wires. Verbs receive it as their first argument; nothing here is a global.
 */
import type { DaemonConfig } from '../config/daemon-config';
import type { DataPaths } from '../config/paths';
import type { PullResult } from '../config/api-types';
import type { Platform } from '../config/oci-image';
import type { ContentStore, DistributionClient, RegistryCredentials } from '../registry/types';
import type { ImagesRepository } from '../state/images-repository';
import type { BlobSourcesRepository } from '../state/blob-sources-repository';
import type { EventsRepository } from '../state/events-repository';
import type { Logger } from '../util/logger';
import { Limiter, SingleFlight } from '../util/concurrency';
import type { EventBus } from './events';
import type { ContainersRepository } from '../state/containers-repository';
import type { Engine, EngineKind } from '../engine/types';
import type { ContainerLocks } from './containers/locks';
import type { ExitMonitor } from './containers/monitor';
import type { Snapshotter, VolumeStore } from '../fs/types';
import type { PendingAttachments } from './containers/attach';
import type { ExecSessions } from './containers/exec';
import type { DaemonMetrics } from '../metrics/types';
import type { NetworkServices } from './networks/services';

export interface RuntimeContext {
  readonly config: DaemonConfig;
  readonly paths: DataPaths;
  readonly store: ContentStore;
  readonly images: ImagesRepository;
  readonly blobSources: BlobSourcesRepository;
  readonly eventLog: EventsRepository;
  readonly events: EventBus;
  readonly logger: Logger;
  /** A registry client that presents `credentials` (from X-Registry-Auth) to `registryHost`. */
  distribution(registryHost: string, credentials?: RegistryCredentials): DistributionClient;
  /** The platform pulled when none is asked for. */
  readonly hostPlatform: Platform;
  readonly startedAt: Date;
  /** Shared work: two pulls of one reference at once do it once. */
  readonly pulls: SingleFlight<PullResult>;
  /** Serialises rewrites of index.json and garbage collection. */
  readonly storeMutex: Limiter;
  readonly version: string;

  readonly containers: ContainersRepository;
  readonly containerLocks: ContainerLocks;
  /** The engine of a kind; Unavailable when that engine is not configured on this host. */
  engine(kind: EngineKind): Engine;
  /** Watches running tasks and records their exits. */
  readonly monitor: ExitMonitor;
  readonly snapshotter: Snapshotter;
  readonly volumes: VolumeStore;
  /** The host's limits that container specs must stay within (HOST-NOTES 3). */
  readonly hostLimits: { nofileHard: number };
  /** Attachments to containers that have not started yet. */
  readonly pendingAttachments: PendingAttachments;
  readonly execSessions: ExecSessions;
  /** The init binary for `--init` (catatonit), when installed. */
  readonly initPath: string | undefined;
  /** Prometheus metrics and the host's cgroup reader (issue 6). */
  readonly metrics: DaemonMetrics;
  /** Networks, CNI and sandboxes (issue 7). */
  readonly network: NetworkServices;
}

export function createMutex(): Limiter {
  return new Limiter(1);
}
