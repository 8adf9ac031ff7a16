/**
 * The daemon's configuration file (JSON) and its defaults. Field names follow Docker's
 * daemon.json where Docker has the same setting (insecure-registries, registry-mirrors).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ForgeError } from '../errors';

import { DEFAULT_CERTS_DIR, DEFAULT_CONFIG_FILE } from './defaults';
import { parseListenAddress } from './listen-address';

export { DEFAULT_CERTS_DIR, DEFAULT_CONFIG_FILE, DEFAULT_ROOT, DEFAULT_RUNROOT } from './defaults';

const RegistryHostSchema = z.object({
  /** PEM file of CA certificates trusted for this registry, added to the system ones. */
  ca: z.string().optional(),
  /** Plain HTTP allowed and TLS verification skipped. */
  insecure: z.boolean().optional(),
});

const CIDR_V4 = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

export const DaemonConfigSchema = z
  .object({
    root: z.string().optional(),
    runroot: z.string().optional(),
    /** Registries reached over plain HTTP or unverified TLS ("host:port", or a CIDR like 10.0.0.0/8). */
    'insecure-registries': z.array(z.string()).default([]),
    /** Mirrors tried before docker.io, in order (Docker's `registry-mirrors`). */
    'registry-mirrors': z.array(z.string()).default([]),
    /** Mirrors for any registry host: { "quay.io": ["mirror:5000"] }. */
    mirrors: z.record(z.string(), z.array(z.string())).default({}),
    /** Per-registry TLS settings. */
    registries: z.record(z.string(), RegistryHostSchema).default({}),
    /** Docker-style certs.d: <dir>/<host:port>/ca.crt. */
    'certs-dir': z.string().default(DEFAULT_CERTS_DIR),
    /** Layers downloaded at once per pull. */
    'max-concurrent-downloads': z.number().int().min(1).max(32).default(3),
    /** Blobs uploaded at once per push. */
    'max-concurrent-uploads': z.number().int().min(1).max(32).default(3),
    /** Attempts for a transient registry error, and the first backoff delay. */
    'registry-retries': z.number().int().min(1).max(10).default(4),
    'registry-retry-delay-ms': z.number().int().min(0).max(60_000).default(250),
    /** Seconds before a registry request with no progress is abandoned. */
    'registry-timeout-seconds': z.number().int().min(1).max(3600).default(30),
    /** Blobs larger than this are pushed in chunks of this size (bytes). */
    'push-chunk-size': z.number().int().min(1024).default(16 * 1024 * 1024),
    /** Group that may use the API socket besides root. */
    group: z.string().default('forgeone'),
    /** Log level of the daemon's own log lines. */
    'log-level': z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** OCI runtime for the native engine. */
    runtime: z.enum(['crun', 'runc']).default('crun'),
    /**
     * crun refuses hybrid cgroup hosts whose cgroup2 holds controllers (HOST-NOTES 2): `auto` moves
     * those controllers to v1 mounts at start (and logs it), `off` only says what to run.
     */
    'cgroups-fix': z.enum(['auto', 'off']).default('auto'),
    /**
     * Also serve GET /metrics over TCP at this `HOST:PORT` (e.g. "127.0.0.1:9323"); off by
     * default. Only /metrics is served there, never the API.
     */
    'metrics-address': z
      .string()
      .refine((v) => {
        try {
          parseListenAddress(v);
          return true;
        } catch {
          return false;
        }
      }, 'must be HOST:PORT, e.g. 127.0.0.1:9323 or [::1]:9323 (0.0.0.0:9323 for every interface)')
      .optional(),
    /**
     * WASM engine (issue 5): standby host processes kept with a module compiled, one per recently
     * started module, so its next start skips booting Node and compiling; 0 turns this off.
     */
    'wasm-pool-size': z.number().int().min(0).max(64).default(4),
    /** Networking (issue 7): the default `bridge` network's Linux bridge and subnet. */
    'bridge-name': z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,14}$/, 'a Linux interface name of at most 15 characters').default('forgeone0'),
    'bridge-subnet': z.string().regex(CIDR_V4, 'an IPv4 CIDR like 10.89.0.0/16').default('10.89.0.0/16'),
    /** Subnets of user networks created without --subnet are /24s taken from this range. */
    'network-pool': z.string().regex(CIDR_V4, 'an IPv4 CIDR like 10.90.0.0/16').default('10.90.0.0/16'),
    /** Where the CNI plugins are (Debian's containernetworking-plugins; /opt/cni/bin upstream). */
    /**
     * Sandboxes (namespace + loopback + default bridge ADD) kept attached ahead of time, so a
     * container on the default network with no published ports starts without waiting for CNI
     * ADD (issue 8); made when the default network is first used. 0 turns the pool off.
     */
    'network-sandbox-pool': z.number().int().min(0).max(16).default(2),
    'cni-plugin-dirs': z.array(z.string()).default(['/usr/lib/cni', '/opt/cni/bin']),
  })
  .strict();

export type DaemonConfig = z.infer<typeof DaemonConfigSchema>;

export function parseDaemonConfig(input: unknown, source = 'daemon config'): DaemonConfig {
  const result = DaemonConfigSchema.safeParse(input ?? {});
  if (!result.success) {
    const problems = result.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
      .join('; ');
    throw new ForgeError('InvalidArgument', `invalid ${source}: ${problems}`, {
      hint: 'fix the file or start the daemon with --config pointing to a valid one',
    });
  }
  return result.data;
}

/** Reads the config file; a missing file at the default path means all defaults. */
export function loadDaemonConfig(file: string | undefined): DaemonConfig {
  const path = file ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && file === undefined) return parseDaemonConfig({});
    throw new ForgeError('InvalidArgument', `cannot read daemon config ${path}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ForgeError('InvalidArgument', `daemon config ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseDaemonConfig(json, `daemon config ${path}`);
}
