/**
 * Registry credentials on the client side, as Docker keeps them: `login` writes them to
 * ForgeOne's config.json (Docker's format), pulls and pushes send them in X-Registry-Auth.
 * Docker's own ~/.docker/config.json is read too, so an existing `docker login` works.
 */
import {
  encodeRegistryAuth,
  lookupCredentials,
  readDockerConfig,
  removeCredentials,
  setCredentials,
  writeDockerConfig,
} from '../registry/auth/docker-config';
import { parseReference } from '../registry/reference';
import type { RegistryCredentials } from '../registry/types';
import type { CliSettings } from './settings';

export async function findCredentials(settings: CliSettings, host: string): Promise<RegistryCredentials | undefined> {
  const ours = lookupCredentials(await readDockerConfig(settings.credentialsFile), host);
  if (ours) return ours;
  return lookupCredentials(await readDockerConfig(settings.dockerCredentialsFile), host);
}

/** The X-Registry-Auth value for the registry of `reference`, or undefined when we have none. */
export async function registryAuthHeader(settings: CliSettings, reference: string): Promise<string | undefined> {
  const { domain } = parseReference(reference);
  const creds = await findCredentials(settings, domain);
  return creds ? encodeRegistryAuth(creds, domain) : undefined;
}

export async function storeCredentials(settings: CliSettings, host: string, creds: RegistryCredentials): Promise<void> {
  const config = await readDockerConfig(settings.credentialsFile);
  await writeDockerConfig(settings.credentialsFile, setCredentials(config, host, creds));
}

export async function forgetCredentials(settings: CliSettings, host: string): Promise<boolean> {
  const { config, removed } = removeCredentials(await readDockerConfig(settings.credentialsFile), host);
  if (removed) await writeDockerConfig(settings.credentialsFile, config);
  return removed;
}
