/**
 * Answers registry auth challenges. It remembers each host's challenge (scheme, realm, service)
 * so later requests send credentials up front instead of paying a 401 round trip each time, and
 * gets Bearer tokens through one TokenCache shared by all requests, keyed by the credentials used
 * so one user's token is never sent on another user's behalf.
 */
import { ForgeError, isForgeError } from '../../errors';
import { SingleFlight } from '../../util/concurrency';
import { parseChallenges, pickChallenge } from '../auth/challenge';
import { basicAuthorization, credentialsFingerprint, fetchToken, TokenCache, type BearerToken, type TokenHttp } from '../auth/token';
import type { RegistryCredentials, RegistryEndpoint } from '../types';
import { readText } from './body';
import { mergeScopes } from './scopes';
import type { Transport } from './transport';

interface KnownChallenge {
  scheme: 'basic' | 'bearer';
  realm?: string;
  service?: string;
}

export interface AuthContext {
  endpoint: RegistryEndpoint;
  /** Token scopes this request needs: `repository:<path>:pull` or `...:pull,push`. */
  scopes: readonly string[];
  credentials: RegistryCredentials | undefined;
  signal?: AbortSignal;
}

export class Authorizer {
  private readonly challenges = new Map<string, KnownChallenge>();
  private readonly fetching = new SingleFlight<BearerToken>();

  constructor(
    private readonly transport: Transport,
    private readonly tokens: TokenCache = new TokenCache(),
  ) {}

  /** The Authorization header to send up front, when the host's challenge is already known. */
  async headerFor(ctx: AuthContext): Promise<string | undefined> {
    const known = this.challenges.get(ctx.endpoint.host);
    return known ? this.answerChallenge(known, ctx.scopes, ctx, false) : undefined;
  }

  /**
   * After a 401: learns the challenge, forgets the token that was refused, and returns the header
   * to retry with; undefined when there is nothing to answer with (Basic without credentials).
   */
  async answer(ctx: AuthContext, wwwAuthenticate: string | string[] | undefined): Promise<string | undefined> {
    const picked = pickChallenge(parseChallenges(wwwAuthenticate));
    if (!picked) return undefined;
    const known: KnownChallenge = { scheme: picked.scheme as 'basic' | 'bearer' };
    if (picked.params.realm !== undefined) known.realm = picked.params.realm;
    if (picked.params.service !== undefined) known.service = picked.params.service;
    this.challenges.set(ctx.endpoint.host, known);
    // The registry may ask for more than we requested (e.g. a mount's source repository).
    const extra = picked.params.scope ? picked.params.scope.split(' ').filter(Boolean) : [];
    const scopes = mergeScopes([...ctx.scopes, ...extra]);
    return this.answerChallenge(known, scopes, ctx, true);
  }

  private async answerChallenge(known: KnownChallenge, scopes: readonly string[], ctx: AuthContext, refresh: boolean): Promise<string | undefined> {
    const creds = ctx.credentials;
    if (known.scheme === 'basic') {
      return creds?.username !== undefined && creds.password !== undefined ? basicAuthorization(creds.username, creds.password) : undefined;
    }
    if (creds?.registryToken) return `Bearer ${creds.registryToken}`;
    if (!known.realm) {
      throw new ForgeError('Internal', `registry ${ctx.endpoint.host} sent a Bearer challenge without a realm`, { details: { registry: ctx.endpoint.host } });
    }
    const realm = known.realm;
    const key = TokenCache.key(ctx.endpoint.host, realm, known.service, scopes, credentialsFingerprint(creds));
    if (refresh) this.tokens.delete(key);
    const cached = this.tokens.get(key);
    if (cached) return `Bearer ${cached.token}`;
    const token = await this.fetching.do(key, async () => {
      let fresh: BearerToken;
      try {
        fresh = await fetchToken(
          { realm, scopes, ...(known.service !== undefined ? { service: known.service } : {}), ...(creds ? { credentials: creds } : {}) },
          this.tokenHttp(ctx),
        );
      } catch (err) {
        if (!isForgeError(err, 'Unauthorized')) throw err;
        const name = ctx.endpoint.mirror ? ctx.endpoint.host : ctx.endpoint.registry;
        throw new ForgeError('Unauthorized', `${err.message} (for registry ${name})`, { cause: err, hint: `forgeone login ${name}`, ...(err.details ? { details: err.details } : {}) });
      }
      this.tokens.set(key, fresh);
      return fresh;
    });
    return `Bearer ${token.token}`;
  }

  /** The realm is reached with the registry endpoint's TLS settings, as Docker does. */
  private tokenHttp(ctx: AuthContext): TokenHttp {
    return async (req) => {
      const res = await this.transport.send(ctx.endpoint, {
        method: req.method,
        target: new URL(req.url),
        headers: req.headers,
        ...(req.body !== undefined ? { body: Buffer.from(req.body, 'utf8') } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        endpointTls: true,
      });
      return { status: res.status, body: await readText(res.body) };
    };
  }
}
