/**
 * The flags of `run` and `create` → the ContainerConfig body of POST /v1/containers/create.
 * Pure (files and the environment come in through `io`), so every rule is unit-tested, and
 * every mistake is reported before a request is made.
 */
import * as path from 'node:path';
import { ForgeError } from '../../../errors';
import type { ContainerConfigInput, MountRequest, RestartPolicy } from '../../../config/container-config';
import { parseEnvEntry, parseEnvFile, parseLabels } from './env';
import { checkDuplicateTargets, parseTmpfs, parseVolume } from './mounts';
import { parseCpus, parseInteger, parseMemory } from './units';
import { isIPv4, parsePortSpec } from '../../../config/port-spec';

/** What commander gives `run` and `create` (see create-options.ts for the flag names). */
export interface CreateFlags {
  name?: string;
  rm?: boolean;
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  env?: string[];
  envFile?: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  volume?: string[];
  tmpfs?: string[];
  readOnly?: boolean;
  hostname?: string;
  memory?: string;
  cpus?: string;
  pidsLimit?: string;
  capAdd?: string[];
  capDrop?: string[];
  securityOpt?: string[];
  restart?: string;
  label?: string[];
  init?: boolean;
  stopSignal?: string;
  stopTimeout?: string;
  engine?: string;
  platform?: string;
  pull?: string;
  quiet?: boolean;
  detachKeys?: string;
  // networking (issue 7)
  network?: string;
  publish?: string[];
  publishAll?: boolean;
  dns?: string[];
  addHost?: string[];
  networkAlias?: string[];
}

export interface FlagIo {
  env: NodeJS.ProcessEnv;
  /** Reads an --env-file (relative to the CLI's directory). */
  readFile: (file: string) => string;
  cwd: string;
}

export type PullPolicy = 'missing' | 'always' | 'never';
const ENGINES = ['native', 'wasm', 'microvm'] as const;

/** `no`, `always`, `unless-stopped`, `on-failure[:N]`. */
export function parseRestart(value: string): RestartPolicy {
  const [name = '', count, ...rest] = value.split(':');
  if (rest.length) throw new ForgeError('InvalidArgument', `invalid --restart "${value}"`);
  if (name === 'no' || name === 'always' || name === 'unless-stopped') {
    if (count !== undefined) throw new ForgeError('InvalidArgument', `invalid --restart "${value}": only on-failure takes a maximum retry count`);
    return { name, maximumRetryCount: 0 };
  }
  if (name === 'on-failure') {
    return { name, maximumRetryCount: count === undefined ? 0 : parseInteger(count, '--restart on-failure count', { min: 0 }) };
  }
  throw new ForgeError('InvalidArgument', `invalid --restart "${value}": use no, always, unless-stopped or on-failure[:max-retries]`);
}

export function parsePullPolicy(value: string | undefined): PullPolicy {
  const v = value ?? 'missing';
  if (v === 'missing' || v === 'always' || v === 'never') return v;
  throw new ForgeError('InvalidArgument', `invalid --pull "${v}": use missing, always or never`);
}

/**
 * `--security-opt` is passed through as given, except that a seccomp profile named by a relative
 * path is made absolute: the daemon, not the CLI, opens it, from another directory.
 */
export function normalizeSecurityOpt(value: string, cwd: string): string {
  const m = /^seccomp[=:](.+)$/.exec(value);
  if (!m || m[1] === 'unconfined' || path.isAbsolute(m[1]!)) return value;
  return `seccomp=${path.resolve(cwd, m[1]!)}`;
}

/** `net_admin`, `CAP_NET_ADMIN`, `all` → upper case, as the daemon (and Docker's API) take them. */
function capability(value: string): string {
  const cap = value.trim().toUpperCase();
  if (!/^[A-Z_]+$/.test(cap)) throw new ForgeError('InvalidArgument', `invalid capability "${value}"`);
  return cap;
}

function environment(flags: CreateFlags, io: FlagIo): string[] {
  const env: string[] = [];
  for (const file of flags.envFile ?? []) {
    let text: string;
    try {
      text = io.readFile(path.resolve(io.cwd, file));
    } catch (err) {
      throw new ForgeError('InvalidArgument', `cannot read --env-file ${file}: ${(err as Error).message}`, { cause: err });
    }
    env.push(...parseEnvFile(text, io.env, file));
  }
  // -e comes after the files, so it wins for the same key (the later entry overrides).
  for (const entry of flags.env ?? []) {
    const e = parseEnvEntry(entry, io.env);
    if (e !== undefined) env.push(e);
  }
  return env;
}

export function toContainerConfig(image: string, command: string[], flags: CreateFlags, io: FlagIo): ContainerConfigInput {
  const restartPolicy = flags.restart === undefined ? undefined : parseRestart(flags.restart);
  if (flags.rm && restartPolicy && restartPolicy.name !== 'no') {
    throw new ForgeError('InvalidArgument', 'conflicting options: --restart and --rm', { hint: 'a container removed when it exits cannot be restarted' });
  }
  if (flags.workdir !== undefined && !path.posix.isAbsolute(flags.workdir)) {
    throw new ForgeError('InvalidArgument', `the working directory "${flags.workdir}" is invalid: it must be an absolute path`);
  }
  if (flags.engine !== undefined && !(ENGINES as readonly string[]).includes(flags.engine)) {
    throw new ForgeError('InvalidArgument', `invalid --engine "${flags.engine}": use ${ENGINES.join(', ')}`);
  }
  parsePullPolicy(flags.pull);
  const mounts: MountRequest[] = [...(flags.volume ?? []).map(parseVolume), ...(flags.tmpfs ?? []).map(parseTmpfs)];
  checkDuplicateTargets(mounts);
  const memory = flags.memory === undefined ? undefined : parseMemory(flags.memory);
  const cpus = flags.cpus === undefined ? undefined : parseCpus(flags.cpus);
  const pidsLimit = flags.pidsLimit === undefined ? undefined : parseInteger(flags.pidsLimit, '--pids-limit', { min: -1 });
  const stopTimeout = flags.stopTimeout === undefined ? undefined : parseInteger(flags.stopTimeout, '--stop-timeout', { min: 0 });

  const config: ContainerConfigInput = {
    image,
    env: environment(flags, io),
    tty: !!flags.tty,
    openStdin: !!flags.interactive,
    labels: parseLabels(flags.label ?? []),
    mounts,
    readOnlyRootfs: !!flags.readOnly,
    resources: {
      ...(memory !== undefined ? { memory } : {}),
      ...(cpus !== undefined ? { cpus } : {}),
      ...(pidsLimit !== undefined ? { pidsLimit } : {}),
    },
    capAdd: (flags.capAdd ?? []).map(capability),
    capDrop: (flags.capDrop ?? []).map(capability),
    securityOpt: (flags.securityOpt ?? []).map((o) => normalizeSecurityOpt(o, io.cwd)),
    autoRemove: !!flags.rm,
    init: !!flags.init,
  };
  // docker: an attached -i closes the container's stdin when the client's input ends (EOF).
  if (flags.interactive && !flags.detach) config.stdinOnce = true;
  if (flags.name !== undefined) config.name = flags.name;
  if (command.length) config.cmd = command;
  // docker: `--entrypoint ""` clears the image's entrypoint; any other value is one argv word.
  if (flags.entrypoint !== undefined) config.entrypoint = flags.entrypoint === '' ? [] : [flags.entrypoint];
  if (flags.workdir !== undefined) config.workingDir = flags.workdir;
  if (flags.user !== undefined) config.user = flags.user;
  if (flags.hostname !== undefined) config.hostname = flags.hostname;
  if (restartPolicy) config.restartPolicy = restartPolicy;
  if (flags.stopSignal !== undefined) config.stopSignal = flags.stopSignal;
  if (stopTimeout !== undefined) config.stopTimeout = stopTimeout;
  if (flags.engine !== undefined) config.engine = flags.engine as (typeof ENGINES)[number];
  Object.assign(config, networkFlags(flags));
  return config;
}

/** --network, -p, -P, --dns, --add-host, --network-alias (issue 7), checked here before any request. */
export function networkFlags(flags: CreateFlags): Partial<ContainerConfigInput> {
  const out: Partial<ContainerConfigInput> = {};
  if (flags.network !== undefined) {
    if (!flags.network) throw new ForgeError('InvalidArgument', '--network needs a value: bridge, none, host or a network name');
    out.networkMode = flags.network;
  }
  if (flags.publish?.length) out.ports = flags.publish.map(parsePortSpec);
  if (flags.publishAll) out.publishAll = true;
  for (const d of flags.dns ?? []) if (!isIPv4(d)) throw new ForgeError('InvalidArgument', `invalid --dns "${d}": an IPv4 address is expected`);
  if (flags.dns?.length) out.dns = flags.dns;
  for (const h of flags.addHost ?? []) {
    const i = h.lastIndexOf(':');
    if (i <= 0 || !isIPv4(h.slice(i + 1)) || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(h.slice(0, i))) {
      throw new ForgeError('InvalidArgument', `invalid --add-host "${h}": use NAME:IPv4, e.g. db:10.0.0.5`);
    }
  }
  if (flags.addHost?.length) out.extraHosts = flags.addHost;
  if (flags.networkAlias?.length) out.networkAliases = flags.networkAlias;
  return out;
}
