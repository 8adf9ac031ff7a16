/**
 * Docker's client credential formats: the `auths` section of ~/.docker/config.json, and the
 * X-Registry-Auth header the docker CLI sends with pull and push. Pure helpers, plus reading and
 * writing the file (0600, atomically) so `forgeone login` and `docker login` share credentials.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ForgeError } from '../../errors';
import { writeFileAtomic } from '../../util/atomic-file';
import type { CredentialLookup, RegistryCredentials } from '../types';

/** One entry of `auths`. Docker writes `auth` (base64 user:pass) and sometimes `identitytoken`. */
export interface DockerAuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
  email?: string;
}

/** config.json; keys other than `auths` (credsStore, proxies, ...) are kept as they are. */
export interface DockerConfigFile {
  auths?: Record<string, DockerAuthEntry>;
  [key: string]: unknown;
}

/** The key Docker uses for Docker Hub credentials; written so `docker` finds them too. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/**
 * The registry host a config key or server address names: scheme and path dropped, Docker Hub's
 * aliases folded into `docker.io` (like Docker's ConvertToHostname plus the index aliases).
 */
export function normalizeRegistryHost(keyOrUrl: string): string {
  let host = keyOrUrl.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  host = host.split('/')[0]!.toLowerCase();
  return DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host;
}

/** The key to write for a host: Docker Hub keeps its historical URL key. */
export function authKeyFor(host: string): string {
  const normal = normalizeRegistryHost(host);
  return normal === 'docker.io' ? DOCKER_HUB_AUTH_KEY : normal;
}

export function decodeAuthEntry(entry: DockerAuthEntry, where = 'auth entry'): RegistryCredentials | undefined {
  const creds: RegistryCredentials = {};
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new ForgeError('InvalidArgument', `invalid ${where}: "auth" is not base64 of user:password`);
    creds.username = decoded.slice(0, colon);
    creds.password = decoded.slice(colon + 1);
  } else {
    if (entry.username) creds.username = entry.username;
    if (entry.password) creds.password = entry.password;
  }
  if (entry.identitytoken) creds.identityToken = entry.identitytoken;
  if (entry.registrytoken) creds.registryToken = entry.registrytoken;
  return Object.keys(creds).length ? creds : undefined;
}

export function encodeAuthEntry(creds: RegistryCredentials): DockerAuthEntry {
  const entry: DockerAuthEntry = {};
  // Docker keeps the username beside an identity token, with an empty password.
  if (creds.username !== undefined) {
    entry.auth = Buffer.from(`${creds.username}:${creds.identityToken ? '' : creds.password ?? ''}`, 'utf8').toString('base64');
  }
  if (creds.identityToken) entry.identitytoken = creds.identityToken;
  if (creds.registryToken) entry.registrytoken = creds.registryToken;
  return entry;
}

/** Credentials stored for `host`; an exact key wins over an alias (`docker.io` vs the v1 URL). */
export function lookupCredentials(config: DockerConfigFile, host: string): RegistryCredentials | undefined {
  const auths = config.auths ?? {};
  const wanted = normalizeRegistryHost(host);
  const exact = auths[host] ?? auths[authKeyFor(host)];
  if (exact) return decodeAuthEntry(exact, `auth entry for ${host}`);
  for (const [key, entry] of Object.entries(auths)) {
    if (normalizeRegistryHost(key) === wanted) return decodeAuthEntry(entry, `auth entry for ${key}`);
  }
  return undefined;
}

/** A copy of `config` with `creds` stored for `host`, replacing any alias entries of that host. */
export function setCredentials(config: DockerConfigFile, host: string, creds: RegistryCredentials): DockerConfigFile {
  const { config: cleaned } = removeCredentials(config, host);
  return { ...cleaned, auths: { ...(cleaned.auths ?? {}), [authKeyFor(host)]: encodeAuthEntry(creds) } };
}

/** A copy of `config` without any entry for `host` (or its aliases). */
export function removeCredentials(config: DockerConfigFile, host: string): { config: DockerConfigFile; removed: boolean } {
  const wanted = normalizeRegistryHost(host);
  const auths: Record<string, DockerAuthEntry> = {};
  let removed = false;
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (normalizeRegistryHost(key) === wanted) removed = true;
    else auths[key] = entry;
  }
  return { config: { ...config, auths }, removed };
}

export function credentialLookupFromConfig(config: DockerConfigFile): CredentialLookup {
  return (host) => lookupCredentials(config, host);
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json` (Docker's rule). */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  return path.join(env.DOCKER_CONFIG || path.join(home, '.docker'), 'config.json');
}

/** A missing file is an empty config; a malformed one is InvalidArgument naming the file. */
export async function readDockerConfig(file: string): Promise<DockerConfigFile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ForgeError('Unavailable', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const json: unknown = JSON.parse(text);
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('not a JSON object');
    return json as DockerConfigFile;
  } catch (err) {
    throw new ForgeError('InvalidArgument', `${file} is not a valid Docker config: ${(err as Error).message}`, { cause: err });
  }
}

/** Writes atomically with mode 0600 (it holds passwords), creating the directory 0700. */
export async function writeDockerConfig(file: string, config: DockerConfigFile): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify(config, null, '\t')}\n`, 0o600);
}

/** The JSON carried (base64url) in X-Registry-Auth, with Docker's field names. */
export interface RegistryAuthPayload {
  username?: string;
  password?: string;
  auth?: string;
  email?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface DecodedRegistryAuth {
  credentials?: RegistryCredentials;
  /** The registry the client meant these credentials for, normalised; absent when not sent. */
  serverAddress?: string;
}

export function encodeRegistryAuth(creds: RegistryCredentials, serverAddress?: string): string {
  const payload: RegistryAuthPayload = {
    ...(creds.username !== undefined ? { username: creds.username } : {}),
    ...(creds.password !== undefined ? { password: creds.password } : {}),
    ...(serverAddress ? { serveraddress: serverAddress } : {}),
    ...(creds.identityToken ? { identitytoken: creds.identityToken } : {}),
    ...(creds.registryToken ? { registrytoken: creds.registryToken } : {}),
  };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * Decodes X-Registry-Auth. Absent, empty or `{}` means anonymous. Node's base64 decoder accepts
 * both the URL-safe and the standard alphabet, padded or not, as the various SDKs send.
 */
export function decodeRegistryAuth(header: string | undefined): DecodedRegistryAuth {
  if (header === undefined || header.trim() === '') return {};
  let payload: RegistryAuthPayload;
  try {
    const json: unknown = JSON.parse(Buffer.from(header.trim(), 'base64').toString('utf8'));
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('not a JSON object');
    payload = json as RegistryAuthPayload;
  } catch (err) {
    throw new ForgeError('InvalidArgument', 'invalid X-Registry-Auth header: expected base64url-encoded JSON', { cause: err });
  }
  const credentials = decodeAuthEntry(
    {
      ...(payload.auth ? { auth: payload.auth } : {}),
      ...(payload.username ? { username: payload.username } : {}),
      ...(payload.password ? { password: payload.password } : {}),
      ...(payload.identitytoken ? { identitytoken: payload.identitytoken } : {}),
      ...(payload.registrytoken ? { registrytoken: payload.registrytoken } : {}),
    },
    'X-Registry-Auth header',
  );
  return {
    ...(credentials ? { credentials } : {}),
    ...(payload.serveraddress ? { serverAddress: normalizeRegistryHost(payload.serveraddress) } : {}),
  };
}

/**
 * The lookup for one API request: the header's credentials apply to the registry it names, or,
 * when it names none, to `defaultHost` (the image's registry). Other hosts, such as mirrors, are
 * reached anonymously so one registry's password is never sent to another.
 */
export function credentialLookupFromRegistryAuth(decoded: DecodedRegistryAuth, defaultHost: string): CredentialLookup {
  const forHost = decoded.serverAddress ?? normalizeRegistryHost(defaultHost);
  return (host) => (decoded.credentials && normalizeRegistryHost(host) === forHost ? decoded.credentials : undefined);
}
