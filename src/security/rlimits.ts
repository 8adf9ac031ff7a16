/**
 * Resource limits (process.rlimits) that the OCI runtime can really set. Raising a hard limit
 * needs CAP_SYS_RESOURCE, which the daemon may not hold (HOST-NOTES 3: root without it, hard
 * NOFILE 20000, where Podman's 1048576 fails with "setrlimit RLIMIT_NOFILE: Operation not
 * permitted"), so every limit is clamped to the daemon's own hard limit. Node has no
 * getrlimit, hence the parser of /proc/self/limits.
 */
import { readFileSync } from 'node:fs';
import type { RuntimeProcess } from '../config/runtime-spec';

type Rlimit = NonNullable<RuntimeProcess['rlimits']>[number];

/** The NOFILE limit a container asks for when the host allows it (Podman's value). */
export const DEFAULT_NOFILE = 1048576;
/** conmon lowers its own RLIMIT_NPROC to this before it runs the OCI runtime (HOST-NOTES 3). */
export const CONMON_NPROC_CEILING = 32768;

export interface HostLimits {
  /** Hard RLIMIT_NOFILE of the daemon; Infinity when unlimited. */
  nofileHard: number;
  /** Hard RLIMIT_NPROC of the daemon; Infinity when unlimited. Default Infinity. */
  nprocHard?: number;
}

/** `/proc/self/limits` row names → RLIMIT_* names. */
const ROWS: Record<string, string> = {
  'Max open files': 'RLIMIT_NOFILE',
  'Max processes': 'RLIMIT_NPROC',
  'Max core file size': 'RLIMIT_CORE',
  'Max stack size': 'RLIMIT_STACK',
  'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max file size': 'RLIMIT_FSIZE',
  'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE',
};

/** Parses the text of /proc/<pid>/limits into { RLIMIT_*: {soft, hard} } (unlimited → Infinity). */
export function parseProcLimits(text: string): Record<string, { soft: number; hard: number }> {
  const out: Record<string, { soft: number; hard: number }> = {};
  const num = (s: string): number => (s === 'unlimited' ? Infinity : Number(s));
  for (const line of text.split('\n')) {
    const m = /^(.+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    const type = m ? ROWS[m[1]!.trim()] : undefined;
    if (m && type) out[type] = { soft: num(m[2]!), hard: num(m[3]!) };
  }
  return out;
}

/** The daemon's own hard limits, read from /proc/self/limits (or the text given, for tests). */
export function readHostLimits(text: string = readFileSync('/proc/self/limits', 'utf8')): HostLimits {
  const limits = parseProcLimits(text);
  return { nofileHard: limits.RLIMIT_NOFILE?.hard ?? Infinity, nprocHard: limits.RLIMIT_NPROC?.hard ?? Infinity };
}

/**
 * Lowers each limit to what the host can grant: NOFILE to the daemon's hard limit, NPROC to
 * that and conmon's ceiling. A soft limit never exceeds its hard limit.
 */
export function clampRlimits(rlimits: readonly Rlimit[], host: HostLimits): Rlimit[] {
  return rlimits.map((r) => {
    let ceiling = Infinity;
    if (r.type === 'RLIMIT_NOFILE') ceiling = host.nofileHard;
    if (r.type === 'RLIMIT_NPROC') ceiling = Math.min(host.nprocHard ?? Infinity, CONMON_NPROC_CEILING);
    const hard = Math.min(r.hard, ceiling);
    return { type: r.type, hard, soft: Math.min(r.soft, hard) };
  });
}

/**
 * The default: NOFILE as high as the host allows, up to DEFAULT_NOFILE, soft = hard so
 * servers need not raise it themselves. NPROC is left alone on purpose: it counts every
 * process of the user on the whole host (uid 0 in a container is root outside), so it cannot
 * bound one container; the pids cgroup limit does that.
 */
export function defaultRlimits(host: HostLimits): Rlimit[] {
  return clampRlimits([{ type: 'RLIMIT_NOFILE', soft: DEFAULT_NOFILE, hard: DEFAULT_NOFILE }], host);
}
