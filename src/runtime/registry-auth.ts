/** Which credentials a request's X-Registry-Auth gives for a registry: only those meant for it. */
import { decodeRegistryAuth, normalizeRegistryHost, type DecodedRegistryAuth } from '../registry/auth/docker-config';
import type { RegistryCredentials } from '../registry/types';

export function credentialsFor(auth: DecodedRegistryAuth | undefined, domain: string): RegistryCredentials | undefined {
  if (!auth?.credentials) return undefined;
  if (auth.serverAddress !== undefined && auth.serverAddress !== normalizeRegistryHost(domain)) return undefined;
  return auth.credentials;
}

/** Parses an X-Registry-Auth header value (absent or empty: anonymous). */
export function parseRegistryAuthHeader(header: string | string[] | undefined): DecodedRegistryAuth {
  return decodeRegistryAuth(Array.isArray(header) ? header[0] : header);
}
