/**
 * Bearer tokens from a registry's token server (Docker's token auth spec), and their cache.
 *
 * A password is sent as Basic auth on a GET to the realm; a refresh token (identity token from an
 * earlier login) is exchanged with an OAuth2 POST, as Docker does. HTTP is injected
 * (`TokenHttp`) so the realm is reached with the same TLS settings as the registry that named it.
 */
import { createHash } from 'node:crypto';
import { ForgeError } from '../../errors';
import type { RegistryCredentials } from '../types';

export interface TokenHttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface TokenHttpResponse {
  status: number;
  body: string;
}

/** Performs one HTTP exchange; network failures are thrown as ForgeError (Unavailable). */
export type TokenHttp = (req: TokenHttpRequest) => Promise<TokenHttpResponse>;

export interface TokenRequest {
  /** Absolute URL of the token server, from the challenge's `realm`. */
  realm: string;
  service?: string;
  /** `repository:library/busybox:pull` ...; empty for a login check. */
  scopes: readonly string[];
  credentials?: RegistryCredentials;
  /** Sent as `client_id` on OAuth2 requests. Default `forgeone`. */
  clientId?: string;
}

export interface BearerToken {
  token: string;
  /** Epoch ms after which the token must not be used (already shortened by a safety margin). */
  expiresAt: number;
  /** A refresh token, when the server issued one (offline access). */
  refreshToken?: string;
}

/** Docker's minimum: tokens are assumed to live at least 60 seconds. */
const MIN_EXPIRES_IN_SECONDS = 60;

/** Fetches a token for `req` from its realm. 401/403 → Unauthorized; 5xx/429 → Unavailable. */
export async function fetchToken(req: TokenRequest, http: TokenHttp, now: () => number = Date.now): Promise<BearerToken> {
  const creds = req.credentials;
  const clientId = req.clientId ?? 'forgeone';
  let res: TokenHttpResponse;
  if (creds?.identityToken) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: clientId });
    if (req.service) form.set('service', req.service);
    if (req.scopes.length) form.set('scope', req.scopes.join(' '));
    res = await http({
      method: 'POST',
      url: req.realm,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  } else {
    const url = new URL(req.realm);
    if (req.service) url.searchParams.set('service', req.service);
    for (const scope of req.scopes) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = {};
    if (creds?.username !== undefined && creds.password !== undefined) {
      headers.authorization = basicAuthorization(creds.username, creds.password);
      url.searchParams.set('account', creds.username);
    }
    res = await http({ method: 'GET', url: url.toString(), headers });
  }
  const realmHost = safeHost(req.realm);
  if (res.status === 401 || res.status === 403) {
    throw new ForgeError('Unauthorized', `authentication with token server ${realmHost} failed${creds ? ': incorrect credentials' : ''}`, {
      details: { realm: req.realm, status: res.status, body: res.body.slice(0, 500) },
    });
  }
  if (res.status >= 500 || res.status === 429) {
    throw new ForgeError('Unavailable', `token server ${realmHost} returned ${res.status}`, {
      details: { realm: req.realm, status: res.status, transient: true },
    });
  }
  if (res.status !== 200) {
    throw new ForgeError('Internal', `token server ${realmHost} returned unexpected status ${res.status}`, {
      details: { realm: req.realm, status: res.status, body: res.body.slice(0, 500) },
    });
  }
  return parseTokenResponse(res.body, now(), realmHost);
}

/** Reads `token` (or OAuth2's `access_token`) and `expires_in` from a token server's JSON. */
export function parseTokenResponse(body: string, nowMs: number, realmHost = 'token server'): BearerToken {
  let json: { token?: unknown; access_token?: unknown; expires_in?: unknown; refresh_token?: unknown };
  try {
    json = JSON.parse(body) as typeof json;
  } catch (err) {
    throw new ForgeError('Internal', `token server ${realmHost} returned invalid JSON`, { cause: err });
  }
  const token = typeof json.token === 'string' && json.token ? json.token : json.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new ForgeError('Internal', `token server ${realmHost} returned no token`);
  }
  const expiresIn = typeof json.expires_in === 'number' && json.expires_in > MIN_EXPIRES_IN_SECONDS ? json.expires_in : MIN_EXPIRES_IN_SECONDS;
  // Local clock rather than the server's issued_at, so clock skew cannot make a token look fresh.
  // Renew a little early so a token never expires between the check and the request.
  const margin = Math.min(30, expiresIn / 4);
  return {
    token,
    expiresAt: nowMs + (expiresIn - margin) * 1000,
    ...(typeof json.refresh_token === 'string' ? { refreshToken: json.refresh_token } : {}),
  };
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * A stable, non-reversible name for a set of credentials, so tokens obtained with one user's
 * credentials are never served to a request made with another's (the daemon serves many users).
 */
export function credentialsFingerprint(creds: RegistryCredentials | undefined): string {
  if (!creds || (!creds.username && !creds.password && !creds.identityToken && !creds.registryToken)) return 'anonymous';
  const material = JSON.stringify([creds.username ?? '', creds.password ?? '', creds.identityToken ?? '', creds.registryToken ?? '']);
  return createHash('sha256').update(material).digest('hex').slice(0, 32);
}

/** Cache of tokens per (registry host, realm, service, scopes, credentials), dropped at expiry. */
export class TokenCache {
  private readonly tokens = new Map<string, BearerToken>();

  constructor(private readonly now: () => number = Date.now) {}

  static key(host: string, realm: string, service: string | undefined, scopes: readonly string[], credsFingerprint: string): string {
    return [host, realm, service ?? '', [...scopes].sort().join(' '), credsFingerprint].join('|');
  }

  get(key: string): BearerToken | undefined {
    const token = this.tokens.get(key);
    if (token && token.expiresAt <= this.now()) {
      this.tokens.delete(key);
      return undefined;
    }
    return token;
  }

  set(key: string, token: BearerToken): void {
    // Bound memory for a long-running daemon: expired tokens are swept when the map grows.
    if (this.tokens.size >= 1000) {
      const now = this.now();
      for (const [k, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(k);
      if (this.tokens.size >= 1000) this.tokens.delete(this.tokens.keys().next().value as string);
    }
    this.tokens.set(key, token);
  }

  delete(key: string): void {
    this.tokens.delete(key);
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
