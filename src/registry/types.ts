/**
 * Contracts of the registry module: the content store (an OCI image layout on disk) and the
 * distribution client (talks the OCI distribution spec to one registry).
 *
 * Terms. A *blob* is content addressed by its sha256 digest. *Ingest* is the staging area where
 * a blob is written and verified before it is *committed* (renamed into blobs/sha256/<hex>), so
 * a reader never sees a half blob. A *lease* protects blobs that an operation in progress
 * has committed but that no image references yet, so garbage collection leaves them alone.
 */
import type { Readable, Writable } from 'node:stream';
import type { Descriptor, Platform } from '../config/oci-image';
import type { Digest } from '../util/digest';
import type { ImageReference } from './reference';

export interface BlobInfo {
  digest: Digest;
  size: number;
}

export interface ExpectedBlob {
  digest: Digest;
  size?: number;
}

/** One entry of the layout's index.json: an image name and the manifest it points to. */
export interface IndexEntry {
  /** Full reference, `docker.io/library/busybox:latest`. */
  name: string;
  descriptor: Descriptor;
}

export interface WriteBlobOptions {
  /** When given, the stream is verified against it and rejected on mismatch (nothing committed). */
  expected?: ExpectedBlob;
  /** Called with the byte count as data arrives. */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
  /**
   * Also receives the bytes as they arrive (util/mirror-stream.ts), with backpressure; ended only
   * after the blob verified and committed, destroyed with the error otherwise.
   */
  mirror?: Writable;
}

export interface ContentStore {
  /** The OCI layout directory (contains oci-layout, index.json, blobs/). */
  readonly root: string;
  /** Creates the layout files if missing and empties the ingest area (left by a crash). */
  init(): Promise<void>;
  has(digest: Digest): Promise<boolean>;
  /** Size of a committed blob, or undefined. */
  stat(digest: Digest): Promise<BlobInfo | undefined>;
  read(digest: Digest): Promise<Buffer>;
  /** A stream of a committed blob; NotFound when absent. */
  open(digest: Digest): Readable;
  /** Path of a committed blob, for readers that need a file (tar unpack, archive export). */
  path(digest: Digest): string;
  /**
   * Streams into ingest, hashing and counting; commits atomically when the digest and size match
   * `expected` (when given). On any failure the ingest file is removed and nothing is committed.
   * Concurrent writes of the same expected digest share one download.
   */
  write(source: Readable | (() => Promise<Readable>), options?: WriteBlobOptions): Promise<BlobInfo>;
  /** Writes bytes already in memory (manifests, configs). */
  put(data: Buffer, expected?: ExpectedBlob): Promise<BlobInfo>;
  delete(digest: Digest): Promise<void>;
  list(): Promise<BlobInfo[]>;
  /** Rewrites index.json (atomically) to list exactly these entries. */
  writeIndex(entries: IndexEntry[]): Promise<void>;
  /** Protects digests from garbage collection until the returned release function is called. */
  lease(digests: Iterable<Digest>): () => void;
  leased(): Set<Digest>;
}

/** Credentials for one registry, as Docker's config.json and X-Registry-Auth carry them. */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** A refresh token from an earlier login (OAuth2), sent instead of a password. */
  identityToken?: string;
  /** A bearer token to use as is. */
  registryToken?: string;
}

export type CredentialLookup = (registryHost: string) => RegistryCredentials | undefined;

/** TLS and transport settings for one registry host, resolved from the daemon config. */
export interface RegistryEndpoint {
  /** host[:port] actually contacted (may be a mirror; registry-1.docker.io for docker.io). */
  host: string;
  /**
   * The registry name of the image reference (`docker.io`). Credentials are looked up under it for
   * the registry itself and under `host` for a mirror, so a registry's password never goes to a mirror.
   */
  registry: string;
  /** Plain HTTP is allowed (tried after HTTPS fails), and TLS errors are not fatal. */
  insecure: boolean;
  /** Extra CA certificates (PEM) trusted for this host. */
  ca?: string;
  /** True for a mirror: a failure falls through to the next endpoint. */
  mirror: boolean;
}

export interface ResolvedManifest {
  descriptor: Descriptor;
  /** The exact bytes served, whose sha256 is descriptor.digest. */
  bytes: Buffer;
  /** The endpoint that served it; later blob fetches for this pull use the same one. */
  endpoint: RegistryEndpoint;
}

export interface UploadSource {
  descriptor: BlobInfo;
  open: () => Readable;
}

/** What one API request (one pull, one push) brings to the client besides the daemon's config. */
export interface DistributionRequestOptions {
  /** Credentials for this request (from X-Registry-Auth); replace the client's own lookup. */
  credentials?: CredentialLookup;
  /** Cancels every registry request of this view (the API client went away). */
  signal?: AbortSignal;
}

/**
 * Talks the OCI distribution spec to a registry, handling auth challenges, retries and mirrors.
 * Pulls try the endpoints of `resolveEndpoints` in order (mirrors first, a mirror's failure falls
 * through to the next); pushes and `checkAuth` go to the registry itself, never a mirror.
 */
export interface DistributionClient {
  /**
   * A cheap view for one API request, sharing this client's connections, learned auth
   * challenges, token cache (keyed by credentials, so users never share tokens) and scheme
   * choices, with its own credentials and cancellation.
   */
  forRequest(options: DistributionRequestOptions): DistributionClient;
  /** GET the manifest (or index) that a tag or digest names; verifies a digest reference. */
  getManifest(ref: ImageReference, digestOrTag?: string, endpoint?: RegistryEndpoint): Promise<ResolvedManifest>;
  /** Opens a blob stream (following redirects to blob storage); the caller verifies it. */
  getBlob(ref: ImageReference, descriptor: Descriptor, endpoint?: RegistryEndpoint): Promise<Readable>;
  /** HEAD of a blob: does the repository already have it? */
  hasBlob(ref: ImageReference, digest: Digest): Promise<boolean>;
  /**
   * Tries a cross-repository mount from `fromRepository` (a path in the same registry,
   * `library/busybox`, or a full name `host/path` of the same registry); true when mounted.
   */
  mountBlob(ref: ImageReference, digest: Digest, fromRepository: string): Promise<boolean>;
  /**
   * Uploads a blob, monolithic or in chunks depending on size (`push-chunk-size`); `onProgress`
   * gets the total bytes accepted so far. `source.open` may be called again when a transient
   * failure restarts the upload.
   */
  uploadBlob(ref: ImageReference, source: UploadSource, onProgress?: (bytes: number) => void): Promise<void>;
  /** PUT a manifest under a tag or digest; returns the digest the registry reports. */
  putManifest(ref: ImageReference, tagOrDigest: string, mediaType: string, bytes: Buffer): Promise<Digest>;
  /** Verifies the credentials for `registryHost` (GET /v2/ with auth); Unauthorized when refused. */
  checkAuth(registryHost: string): Promise<void>;
}

export interface PlatformSelection {
  platform: Platform;
}
