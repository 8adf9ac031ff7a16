/**
 * Which endpoints to contact for a registry, in order, and with what TLS settings, following
 * Docker's daemon.json rules: mirrors first (`registry-mirrors` for docker.io, `mirrors[host]` for
 * any host), then the registry itself (docker.io is served by registry-1.docker.io). A host is
 * insecure (HTTP allowed, TLS unverified) when listed in `insecure-registries` by name or CIDR,
 * marked `registries[host].insecure`, or on loopback. Pure except reading CA files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import * as path from 'node:path';
import type { DaemonConfig } from '../config/daemon-config';
import { ForgeError } from '../errors';
import { DEFAULT_DOMAIN } from './reference';
import type { RegistryEndpoint } from './types';

export const DOCKER_HUB_REGISTRY_HOST = 'registry-1.docker.io';

/** File access for CA certificates; injected in tests. */
export interface EndpointFs {
  /** File contents, or undefined when it does not exist. */
  readFile(file: string): string | undefined;
  /** Entry names of a directory, or [] when it does not exist. */
  readDir(dir: string): string[];
}

export interface ResolveEndpointsOptions {
  /** Default: the real filesystem. */
  fs?: EndpointFs;
}

const realFs: EndpointFs = {
  readFile(file) {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ForgeError('Unavailable', `cannot read CA file ${file}: ${(err as Error).message}`, { cause: err });
    }
  },
  readDir(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
};

/** Mirrors then the registry itself; a mirror equal to the registry host is not repeated. */
export function resolveEndpoints(domain: string, config: DaemonConfig, options: ResolveEndpointsOptions = {}): RegistryEndpoint[] {
  const fs = options.fs ?? realFs;
  const mirrorEntries = [
    ...(domain === DEFAULT_DOMAIN ? config['registry-mirrors'] : []),
    ...(config.mirrors[domain] ?? []),
  ];
  const out: RegistryEndpoint[] = [];
  const seen = new Set<string>();
  for (const entry of mirrorEntries) {
    const mirror = parseMirror(entry);
    if (seen.has(mirror.host)) continue;
    seen.add(mirror.host);
    out.push(makeEndpoint(mirror.host, domain, true, mirror.plainHttp, config, fs));
  }
  const own = registryHostFor(domain);
  if (!seen.has(own)) out.push(makeEndpoint(own, domain, false, false, config, fs));
  return out;
}

/** The registry itself, never a mirror: pushes and logins go there. */
export function pushEndpoint(domain: string, config: DaemonConfig, options: ResolveEndpointsOptions = {}): RegistryEndpoint {
  return makeEndpoint(registryHostFor(domain), domain, false, false, config, options.fs ?? realFs);
}

/** The host serving a registry name: docker.io is served by registry-1.docker.io. */
export function registryHostFor(domain: string): string {
  return domain === DEFAULT_DOMAIN || domain === 'index.docker.io' ? DOCKER_HUB_REGISTRY_HOST : domain;
}

/**
 * A mirror entry: `host[:port]` or a URL (`https://mirror.example`, `http://10.0.0.5:5000`).
 * Docker refuses paths on mirrors and so do we, since requests go to `/v2/<repo>/...` on the host.
 */
export function parseMirror(entry: string): { host: string; plainHttp: boolean } {
  const trimmed = entry.trim();
  const m = /^([a-z]+):\/\/(.*)$/i.exec(trimmed);
  const scheme = m ? m[1]!.toLowerCase() : 'https';
  const rest = (m ? m[2]! : trimmed).replace(/\/+$/, '');
  if ((scheme !== 'http' && scheme !== 'https') || rest === '' || /[/?#]/.test(rest)) {
    throw new ForgeError('InvalidArgument', `invalid registry mirror "${entry}": expected host[:port] or http(s)://host[:port] without a path`);
  }
  return { host: rest.toLowerCase(), plainHttp: scheme === 'http' };
}

/** Docker's rule: explicitly listed (name or CIDR), marked insecure, or loopback. */
export function isInsecureRegistry(host: string, config: DaemonConfig): boolean {
  if (config.registries[host]?.insecure !== undefined) return config.registries[host]!.insecure!;
  if (isLoopbackHost(host)) return true;
  const { hostname } = splitHostPort(host);
  const ipType = isIP(hostname);
  for (const raw of config['insecure-registries']) {
    const entry = raw.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
    // Exact host[:port]: "myhost" does not cover "myhost:5000", as in Docker.
    if (entry === host) return true;
    if (ipType !== 0 && entry.includes('/') && cidrContains(entry, hostname)) return true;
  }
  return false;
}

export function isLoopbackHost(host: string): boolean {
  const { hostname } = splitHostPort(host);
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (isIP(hostname) === 4) return hostname.startsWith('127.');
  if (isIP(hostname) === 6) return cidrContains('::1/128', hostname) || cidrContains('::ffff:127.0.0.0/104', hostname);
  return false;
}

/** `host:port` → parts; `[::1]:5000` → `::1` and `5000`; a bare IPv6 address has no port. */
export function splitHostPort(host: string): { hostname: string; port?: string } {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    const hostname = host.slice(1, end < 0 ? undefined : end);
    const rest = end < 0 ? '' : host.slice(end + 1);
    return rest.startsWith(':') ? { hostname, port: rest.slice(1) } : { hostname };
  }
  const colon = host.indexOf(':');
  if (colon < 0 || host.indexOf(':', colon + 1) >= 0) return { hostname: host };
  return { hostname: host.slice(0, colon), port: host.slice(colon + 1) };
}

function cidrContains(cidr: string, address: string): boolean {
  const slash = cidr.lastIndexOf('/');
  const net = cidr.slice(0, slash);
  const prefix = Number(cidr.slice(slash + 1));
  const netType = isIP(net);
  const addrType = isIP(address);
  if (netType === 0 || addrType === 0 || !Number.isInteger(prefix)) return false;
  const list = new BlockList();
  try {
    list.addSubnet(net, prefix, netType === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false; // a malformed prefix length in the config matches nothing
  }
  return list.check(address, addrType === 4 ? 'ipv4' : 'ipv6');
}

function makeEndpoint(host: string, registry: string, mirror: boolean, plainHttp: boolean, config: DaemonConfig, fs: EndpointFs): RegistryEndpoint {
  // A mirror configured as http:// is reached over HTTP, which only an insecure endpoint allows.
  const insecure = plainHttp || isInsecureRegistry(host, config);
  const ca = loadCa(host, config, fs);
  return { host, registry, mirror, insecure, ...(ca !== undefined ? { ca } : {}) };
}

/** `registries[host].ca`, else every `*.crt` in `<certs-dir>/<host>/` (Docker's certs.d). */
function loadCa(host: string, config: DaemonConfig, fs: EndpointFs): string | undefined {
  const configured = config.registries[host]?.ca;
  if (configured) {
    const pem = fs.readFile(configured);
    if (pem === undefined) throw new ForgeError('InvalidArgument', `CA file ${configured} configured for registry ${host} does not exist`);
    return pem;
  }
  const dir = path.join(config['certs-dir'], host);
  const pems = fs
    .readDir(dir)
    .filter((name) => name.endsWith('.crt'))
    .sort()
    .map((name) => fs.readFile(path.join(dir, name)))
    .filter((pem): pem is string => pem !== undefined);
  return pems.length ? pems.join('\n') : undefined;
}
