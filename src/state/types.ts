/**
 * Records kept in the metadata database. Repositories in this module read and write them;
 * nothing outside state/ writes SQL.
 */
import type { Digest } from '../util/digest';
import type { NetworkDefinition } from '../config/network-definition';

export interface ImageRecord {
  /** Manifest digest; the primary key. */
  digest: Digest;
  mediaType: string;
  manifestSize: number;
  /** Config digest: the image ID. */
  configDigest: Digest;
  indexDigest: Digest | undefined;
  platform: string;
  created: string | undefined;
  /** Content size: config + layers as stored. */
  size: number;
  /** Every blob the image keeps alive (index, manifest, config, layers). */
  blobs: Digest[];
  addedAt: number;
  /** Full names (`docker.io/library/busybox:latest`) pointing at it. */
  names: string[];
  /** `repo@digest` forms it is known by. */
  repoDigests: string[];
}

export type NewImage = Omit<ImageRecord, 'addedAt' | 'names' | 'repoDigests'>;

export interface EventRecord {
  id: number;
  timeNano: bigint;
  topic: string;
  actor: string;
  attributes: Record<string, string>;
}

/** A container's record: the part written once at create. */
export interface ContainerRecord {
  id: string;
  name: string;
  image: string;
  imageDigest: string;
  imageId: string;
  engine: string;
  /** JSON of the ContainerConfig (config/container-config.ts), parsed by the caller. */
  config: unknown;
  /** The command the task runs: resolved entrypoint + cmd, as at create. */
  command: string[];
  createdAt: number;
}

/** A container's changing state, its own record (DESIGN.md convention 5). */
export interface ContainerStateRecord {
  id: string;
  status: string;
  pid: number;
  monitorPid: number;
  exitCode: number | undefined;
  oomKilled: boolean;
  error: string;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  restartCount: number;
  lastBackoffMs: number;
  stoppedByUser: boolean;
  rootfsMounted: boolean;
  updatedAt: number;
}

/** A network (issue 7), as network/ builds it. */
export type NetworkRecord = NetworkDefinition;

/** A container's membership of a network and its CNI attachment while attached. */
export interface EndpointRecord {
  containerId: string;
  networkId: string;
  /** 0: the primary network (eth0, published ports); then eth1, eth2… by order of connection. */
  position: number;
  aliases: string[];
  /** JSON of network/'s Attachment (conflist, result, ports); undefined when not attached. */
  attachment: unknown;
}
