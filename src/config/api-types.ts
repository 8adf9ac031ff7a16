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

/** One line of `ps`: Docker's ContainerSummary fields that tools read. */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  /** Unix seconds. */
  Created: number;
  State: string;
  /** `Up 5 minutes`, `Exited (0) 2 seconds ago`, `Created`. */
  Status: string;
  Labels: Record<string, string>;
  Engine: string;
  Mounts: Array<{ Type: string; Source: string; Destination: string; RW: boolean; Name?: string }>;
  /** Published ports while attached (docker's shape; issue 7). */
  Ports?: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }>;
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  Path: string;
  Args: string[];
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    Restarting: boolean;
    OOMKilled: boolean;
    Dead: boolean;
    Pid: number;
    ExitCode: number;
    Error: string;
    StartedAt: string;
    FinishedAt: string;
  };
  Image: string;
  ImageDigest: string;
  RestartCount: number;
  Engine: string;
  LogPath: string;
  Config: {
    Hostname: string;
    User: string;
    Env: string[];
    Cmd: string[];
    Entrypoint: string[] | null;
    WorkingDir: string;
    Image: string;
    Labels: Record<string, string>;
    Tty: boolean;
    OpenStdin: boolean;
    StopSignal: string;
  };
  HostConfig: {
    Binds: string[];
    Memory: number;
    NanoCpus: number;
    PidsLimit: number;
    CapAdd: string[];
    CapDrop: string[];
    SecurityOpt: string[];
    ReadonlyRootfs: boolean;
    RestartPolicy: { Name: string; MaximumRetryCount: number };
    AutoRemove: boolean;
    Init: boolean;
    NetworkMode: string;
    Tmpfs: Record<string, string>;
  };
  Mounts: Array<{ Type: string; Source: string; Destination: string; RW: boolean; Name?: string }>;
  NetworkSettings: NetworkSettings;
  GraphDriver: { Name: string; Data: Record<string, string> };
}

export interface CreateResult {
  Id: string;
  Warnings: string[];
}

export interface WaitResult {
  StatusCode: number;
  Error?: { Message: string };
}

export interface VolumeInfo {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Scope: string;
  Options: Record<string, string>;
  UsageData?: { Size: number; RefCount: number };
}

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

/** What `cp` learns about a path in a container (Docker's X-Docker-Container-Path-Stat). */
export interface PathStat {
  name: string;
  size: number;
  /** Go's FileMode, as Docker clients expect: permission bits, 1<<31 for a directory, 1<<27 for a symlink. */
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** A container's endpoint on one network, in inspect's NetworkSettings.Networks (docker's shape). */
export interface EndpointSettings {
  NetworkID: string;
  EndpointID: string;
  IPAddress: string;
  IPPrefixLen: number;
  Gateway: string;
  MacAddress: string;
  Aliases: string[] | null;
}

export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** inspect's NetworkSettings (docker's shape): networks by name, published ports by `80/tcp`. */
export interface NetworkSettings {
  Networks: Record<string, EndpointSettings>;
  /** The default bridge network's address (empty elsewhere, like docker). */
  IPAddress: string;
  IPPrefixLen: number;
  Gateway: string;
  MacAddress: string;
  Ports: Record<string, PortBinding[] | null>;
  /** The network namespace's path, when the container has its own managed one. */
  SandboxKey: string;
}

/** POST /networks/create (docker's body). */
export interface NetworkCreateRequest {
  Name: string;
  Driver?: string;
  Internal?: boolean;
  IPAM?: { Driver?: string; Config?: Array<{ Subnet?: string; Gateway?: string }> };
  Labels?: Record<string, string>;
  CheckDuplicate?: boolean;
  EnableIPv6?: boolean;
  Options?: Record<string, string>;
}

/** A network as docker's API shows it (GET /networks, /networks/{id}). */
export interface NetworkResource {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: 'bridge' | 'host' | 'null';
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options: Record<string, string>; Config: Array<{ Subnet: string; Gateway: string }> };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigOnly: boolean;
  Containers: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}
