/** Builds the in-thread reader a detection chose (the worker threads build theirs with it too). */
import type { CgroupReader } from './types';
import type { CgroupFilesOptions } from './cgroup-files';
import { CgroupV1Reader, type V1Mounts } from './cgroup-v1/reader';
import { CgroupV2Reader } from './cgroup-v2/reader';

/** What detection decided: serialisable, so it can be handed to worker threads. */
export type ReaderChoice = { version: 'v1'; mounts: V1Mounts } | { version: 'v2'; root: string } | undefined;

export function createReader(choice: ReaderChoice, options: CgroupFilesOptions = {}): CgroupReader | undefined {
  if (!choice) return undefined;
  return choice.version === 'v2' ? new CgroupV2Reader(choice.root, options) : new CgroupV1Reader(choice.mounts, options);
}
