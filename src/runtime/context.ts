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
}

export function createMutex(): Limiter {
  return new Limiter(1);
}
