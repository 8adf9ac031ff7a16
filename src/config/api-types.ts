/**
 * The shapes the native API returns, shared by runtime/ (which builds them), api/ (which sends
 * them) and cli/ (which prints them). Field names follow Docker's Engine API where Docker has
 * the same thing, so the compatibility layer passes most of them through.
 */

export interface ImageSummary {
  /** Image ID: the config digest. */
  Id: string;
  /** Manifest digest. */
  Digest: string;
  RepoTags: string[];
  RepoDigests: string[];
  /** Unix seconds, from the image config. */
  Created: number;
  Size: number;
  Platform: string;
  Containers: number;
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: string;
  Author: string;
  Architecture: string;
  Os: string;
  Variant?: string;
  Size: number;
  Config: Record<string, unknown>;
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
  Descriptor: { mediaType: string; digest: string; size: number };
  Manifest: { layers: Array<{ mediaType: string; digest: string; size: number }> };
  History: Array<Record<string, unknown>>;
}

export interface PullResult {
  reference: string;
  id: string;
  digest: string;
  repoDigest: string;
  /** Downloaded newer image, already up to date, or served from the store with the registry unreachable. */
  outcome: 'downloaded' | 'up-to-date' | 'offline';
}

export interface PushResult {
  reference: string;
  digest: string;
  size: number;
}

export type DeleteResponseItem = { Untagged: string } | { Deleted: string };

export interface PruneResult {
  ImagesDeleted: DeleteResponseItem[];
  SpaceReclaimed: number;
}

export interface LoadResult {
  images: Array<{ id: string; names: string[] }>;
}

export interface DiskUsage {
  Images: { Count: number; Active: number; Size: number; Reclaimable: number };
  Containers: { Count: number; Active: number; Size: number; Reclaimable: number };
  Volumes: { Count: number; Active: number; Size: number; Reclaimable: number };
  /** Bytes of every blob in the content store (including unreferenced ones a prune would remove). */
  ContentStore: { Blobs: number; Size: number };
  ImagesDetail: Array<ImageSummary & { SharedSize: number; UniqueSize: number }>;
}

export interface VersionInfo {
  Version: string;
  ApiVersion: string;
  MinAPIVersion: string;
  Os: string;
  Arch: string;
  KernelVersion: string;
  NodeVersion: string;
  GitCommit: string;
  BuildTime: string;
}

export interface SystemInfo {
  ID: string;
  Name: string;
  ServerVersion: string;
  Images: number;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Driver: string;
  DockerRootDir: string;
  RunRoot: string;
  KernelVersion: string;
  OperatingSystem: string;
  OSType: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  CgroupVersion: string;
  CgroupDriver: string;
  DefaultRuntime: string;
  Runtimes: Record<string, { path: string; available: boolean }>;
  RegistryConfig: { InsecureRegistryCIDRs: string[]; Mirrors: string[] };
  SecurityOptions: string[];
  StartedAt: string;
  Pid: number;
}

export interface LoginResult {
  Status: string;
}

/** The standard error body of the API. */
export interface ErrorBody {
  message: string;
  code: string;
  hint?: string;
  details?: Record<string, unknown>;
}
