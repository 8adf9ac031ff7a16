/**
 * The OCI distribution client: the DistributionClient contract over undici. Pulls walk the
 * endpoints (mirrors first, then the registry); pushes and logins go to the registry itself.
 * Connections, learned challenges, tokens and scheme choices live in one shared state, so the
 * daemon makes one client at start and a cheap `forRequest` view per API request.
 */
import type { Readable } from 'node:stream';
import type { DaemonConfig } from '../../config/daemon-config';
import { MANIFEST_ACCEPT, type Descriptor } from '../../config/oci-image';
import { ForgeError, isForgeError } from '../../errors';
import { isDigest, sha256, type Digest } from '../../util/digest';
import { normalizeRegistryHost } from '../auth/docker-config';
import { TokenCache } from '../auth/token';
import { pushEndpoint, resolveEndpoints, type ResolveEndpointsOptions } from '../endpoints';
import { repositoryName, type ImageReference } from '../reference';
import type {
  CredentialLookup, DistributionClient, DistributionRequestOptions, RegistryEndpoint, ResolvedManifest, UploadSource,
} from '../types';
import { Authorizer } from './authorizer';
import { discard, readBody } from './body';
import type { ErrorContext } from './errors';
import { detectManifestMediaType, manifestDigest, MAX_MANIFEST_BYTES } from './manifest';
import { registryRequest, type RegistryRequest, type RequestScope } from './request';
import { Transport } from './transport';
import { pullScope, pushScope, sameRegistryPath } from './scopes';
import { cancelUpload, nextLocation, uploadBlob } from './upload';

export interface RegistryClientOptions {
  config: DaemonConfig;
  /** Credentials per registry name. Default: none, every request is anonymous. */
  credentials?: CredentialLookup;
  /** Default `forgeone (node <version>)`. */
  userAgent?: string;
  /** Cancels every request of this client. Default: none. */
  signal?: AbortSignal;
  /** How endpoints read CA files (tests inject one). Default: the real filesystem. */
  endpoints?: ResolveEndpointsOptions;
}

/** What all views of one client share. */
interface Shared {
  config: DaemonConfig;
  transport: Transport;
  authorizer: Authorizer;
  endpoints: ResolveEndpointsOptions;
}

/** A failing mirror costs little: at most this many attempts before falling through. */
const MIRROR_ATTEMPTS = 2;

export class RegistryClient implements DistributionClient {
  private readonly shared: Shared;
  private readonly credentials: CredentialLookup;
  private readonly signal: AbortSignal | undefined;

  /** `shared` is internal: `forRequest` passes it so views reuse connections and tokens. */
  constructor(options: RegistryClientOptions, shared?: Shared) {
    this.credentials = options.credentials ?? (() => undefined);
    this.signal = options.signal;
    if (shared) {
      this.shared = shared;
    } else {
      const transport = new Transport({
        timeoutMs: options.config['registry-timeout-seconds'] * 1000,
        userAgent: options.userAgent ?? `forgeone (node ${process.version})`,
      });
      this.shared = { config: options.config, transport, authorizer: new Authorizer(transport, new TokenCache()), endpoints: options.endpoints ?? {} };
    }
  }

  forRequest(options: DistributionRequestOptions): RegistryClient {
    return new RegistryClient(
      { config: this.shared.config, credentials: options.credentials ?? this.credentials, ...(options.signal ?? this.signal ? { signal: options.signal ?? this.signal } : {}) },
      this.shared,
    );
  }

  /** Closes pooled connections of every view; call once, when the daemon stops. */
  close(): Promise<void> {
    return this.shared.transport.close();
  }

  /** The endpoints a pull of `ref` tries, in order. */
  endpoints(ref: Pick<ImageReference, 'domain'>): RegistryEndpoint[] {
    return resolveEndpoints(ref.domain, this.shared.config, this.shared.endpoints);
  }

  async getManifest(ref: ImageReference, digestOrTag?: string, endpoint?: RegistryEndpoint): Promise<ResolvedManifest> {
    const subject = digestOrTag ?? ref.digest ?? ref.tag ?? 'latest';
    const byDigest = isDigest(subject);
    const name = `${repositoryName(ref)}${byDigest ? '@' : ':'}${subject}`;
    return this.onEndpoints(ref, endpoint, async (ep) => {
      const res = await this.request(ep, {
        method: 'GET',
        target: this.pullPath(ep, `/v2/${ref.path}/manifests/${subject}`),
        headers: { accept: MANIFEST_ACCEPT },
        scopes: [pullScope(ref.path)],
        expect: [200],
        context: this.context(ep, ref, 'manifest', name),
      });
      const bytes = await readBody(res.body, MAX_MANIFEST_BYTES, `manifest of ${name}`);
      const digest = manifestDigest(bytes, byDigest ? (subject as Digest) : undefined, name);
      const mediaType = detectManifestMediaType(res.headers['content-type'], bytes, name);
      return { descriptor: { mediaType, digest, size: bytes.length }, bytes, endpoint: ep };
    });
  }

  async getBlob(ref: ImageReference, descriptor: Descriptor, endpoint?: RegistryEndpoint): Promise<Readable> {
    return this.onEndpoints(ref, endpoint, async (ep) => {
      const context = this.context(ep, ref, 'blob', descriptor.digest);
      const res = await this.request(ep, {
        method: 'GET',
        target: this.pullPath(ep, `/v2/${ref.path}/blobs/${descriptor.digest}`),
        scopes: [pullScope(ref.path)],
        expect: [200],
        context,
      });
      const length = Number(res.headers['content-length']);
      if (res.headers['content-length'] !== undefined && Number.isFinite(length) && length !== descriptor.size) {
        await discard(res.body);
        // Bad content from the registry, like a digest mismatch: not a fault of ForgeOne itself.
        throw new ForgeError('InvalidArgument', `registry ${context.registry} serves blob ${descriptor.digest} with ${length} bytes, its descriptor says ${descriptor.size}`, {
          details: { digest: descriptor.digest, size: descriptor.size, contentLength: length },
        });
      }
      return res.body;
    });
  }

  async hasBlob(ref: ImageReference, digest: Digest): Promise<boolean> {
    const ep = this.pushEndpoint(ref);
    const res = await this.request(ep, {
      method: 'HEAD',
      target: `/v2/${ref.path}/blobs/${digest}`,
      scopes: [pushScope(ref.path)], // the push's token also covers this check: one token per push
      expect: [200, 404],
      context: this.context(ep, ref, 'blob', digest),
    });
    await discard(res.body);
    return res.status === 200;
  }

  async mountBlob(ref: ImageReference, digest: Digest, fromRepository: string): Promise<boolean> {
    const from = sameRegistryPath(ref.domain, fromRepository);
    if (from === undefined) return false;
    const ep = this.pushEndpoint(ref);
    const context = this.context(ep, ref, 'upload', digest);
    const query = new URLSearchParams({ mount: digest, from });
    const scopes = [pushScope(ref.path), pullScope(from)];
    const res = await this.request(ep, { method: 'POST', target: `/v2/${ref.path}/blobs/uploads/?${query}`, body: Buffer.alloc(0), scopes, expect: [201, 202], context });
    await discard(res.body);
    if (res.status === 201) return true;
    // 202: the registry did not mount and opened an upload session instead; close it.
    if (typeof res.headers.location === 'string') await cancelUpload(this.scope(ep), nextLocation(res, undefined, ep.host), scopes, context);
    return false;
  }

  async uploadBlob(ref: ImageReference, source: UploadSource, onProgress?: (bytes: number) => void): Promise<void> {
    const ep = this.pushEndpoint(ref);
    await uploadBlob(this.scope(ep), ref, source, { chunkSize: this.shared.config['push-chunk-size'], ...(onProgress ? { onProgress } : {}) });
  }

  async putManifest(ref: ImageReference, tagOrDigest: string, mediaType: string, bytes: Buffer): Promise<Digest> {
    const digest = sha256(bytes);
    if (isDigest(tagOrDigest) && tagOrDigest !== digest) {
      throw new ForgeError('InvalidArgument', `cannot put manifest ${digest} under digest ${tagOrDigest}`, { details: { digest, tagOrDigest } });
    }
    const ep = this.pushEndpoint(ref);
    const name = `${repositoryName(ref)}${isDigest(tagOrDigest) ? '@' : ':'}${tagOrDigest}`;
    const res = await this.request(ep, {
      method: 'PUT',
      target: `/v2/${ref.path}/manifests/${tagOrDigest}`,
      headers: { 'content-type': mediaType },
      body: bytes,
      scopes: [pushScope(ref.path)],
      expect: [200, 201, 202],
      context: this.context(ep, ref, 'manifest', name),
    });
    await discard(res.body);
    const reported = res.headers['docker-content-digest'];
    if (typeof reported === 'string' && reported !== '' && reported !== digest) {
      throw new ForgeError('Internal', `registry ${ep.registry} stored manifest ${name} as ${reported}, but its bytes have digest ${digest}`, {
        details: { expected: digest, reported },
      });
    }
    return digest;
  }

  async checkAuth(registryHost: string): Promise<void> {
    const host = normalizeRegistryHost(registryHost);
    const ep = pushEndpoint(host, this.shared.config, this.shared.endpoints);
    if (!this.credentials(host)) {
      throw new ForgeError('InvalidArgument', `no credentials given for ${host}`, { hint: `forgeone login ${host}` });
    }
    const context: ErrorContext = { kind: 'registry', registry: host, repository: host, subject: host };
    try {
      const res = await this.request(ep, { method: 'GET', target: '/v2/', scopes: [], expect: [200], context });
      await discard(res.body);
    } catch (err) {
      if (!isForgeError(err, 'Unauthorized')) throw err;
      throw new ForgeError('Unauthorized', `login to ${host} failed: incorrect username or password`, { cause: err, hint: 'check the username and password (or token)' });
    }
  }

  private async onEndpoints<T>(ref: ImageReference, only: RegistryEndpoint | undefined, task: (ep: RegistryEndpoint) => Promise<T>): Promise<T> {
    // With an endpoint given (the one that served the manifest), a failing mirror still falls
    // through to the endpoints after it: content named by digest is the same wherever it comes from.
    const all = this.endpoints(ref);
    const at = only ? all.findIndex((e) => e.host === only.host) : 0;
    const endpoints = only ? [only, ...(only.mirror && at >= 0 ? all.slice(at + 1) : [])] : all;
    let mirrorError: unknown;
    for (const ep of endpoints) {
      try {
        return await task(ep);
      } catch (err) {
        // A mirror is a cache: whatever went wrong there, the next endpoint may still serve it.
        if (!ep.mirror || this.signal?.aborted) throw err;
        mirrorError = err;
      }
    }
    throw mirrorError;
  }

  private request(ep: RegistryEndpoint, req: RegistryRequest) {
    return registryRequest(this.scope(ep), req);
  }

  private scope(ep: RegistryEndpoint): RequestScope {
    const retries = this.shared.config['registry-retries'];
    return {
      transport: this.shared.transport,
      authorizer: this.shared.authorizer,
      endpoint: ep,
      // The registry's credentials never go to a mirror: a mirror gets its own, if any.
      credentials: this.credentials(ep.mirror ? ep.host : ep.registry),
      attempts: ep.mirror ? Math.min(MIRROR_ATTEMPTS, retries) : retries,
      baseDelayMs: this.shared.config['registry-retry-delay-ms'],
      ...(this.signal ? { signal: this.signal } : {}),
    };
  }

  private pushEndpoint(ref: ImageReference): RegistryEndpoint {
    return pushEndpoint(ref.domain, this.shared.config, this.shared.endpoints);
  }

  /** containerd's convention: a mirror learns the upstream registry from `?ns=`. */
  private pullPath(ep: RegistryEndpoint, path: string): string {
    return ep.mirror ? `${path}?ns=${encodeURIComponent(ep.registry)}` : path;
  }

  private context(ep: RegistryEndpoint, ref: ImageReference, kind: ErrorContext['kind'], subject: string): ErrorContext {
    return { kind, registry: ep.mirror ? ep.host : ep.registry, repository: repositoryName(ref), subject };
  }
}
