/**
 * `login`: checks credentials against a registry. The CLI stores them (Docker's config.json),
 * as Docker does; the daemon keeps none and receives them with each pull or push.
 */
import { ForgeError } from '../errors';
import type { LoginResult } from '../config/api-types';
import { DEFAULT_DOMAIN } from '../registry/reference';
import type { RegistryCredentials } from '../registry/types';
import type { RuntimeContext } from './context';

export async function login(rt: RuntimeContext, serverAddress: string | undefined, credentials: RegistryCredentials): Promise<LoginResult> {
  const host = normaliseServerAddress(serverAddress);
  if (!credentials.username || (!credentials.password && !credentials.identityToken)) {
    throw new ForgeError('InvalidArgument', 'a username and a password are required to log in');
  }
  await rt.distribution(host, credentials).checkAuth(host);
  rt.events.publish('/registry/login', host, { username: credentials.username });
  return { Status: 'Login Succeeded' };
}

/** `https://index.docker.io/v1/` and friends → `docker.io`; `http://host:5000/` → `host:5000`. */
export function normaliseServerAddress(address: string | undefined): string {
  if (!address) return DEFAULT_DOMAIN;
  const host = address.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'docker.io') return DEFAULT_DOMAIN;
  if (!/^[A-Za-z0-9.\-[\]:]+$/.test(host)) throw new ForgeError('InvalidArgument', `invalid registry address "${address}"`);
  return host;
}
