/**
 * Parsing helpers shared by the v1 and v2 readers: cgroup files are small texts of a few shapes
 * (a single number, `max`, `key value` lines). Pure, so tests feed them captured files.
 */
import { ForgeError } from '../errors';

/**
 * Limits at or above this are "no limit": v1 reports an unlimited memory cgroup as
 * PAGE_COUNTER_MAX pages (9223372036854771712 bytes on 4 KiB pages), which is 2^63 rounded down.
 */
const UNLIMITED_FROM = 2 ** 62;

/** A file holding one integer (`pids.current`); undefined for missing or malformed content. */
export function parseSingle(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return undefined;
  return Number(t);
}

/** A limit file (`pids.max`, `memory.max`, v1 `memory.limit_in_bytes`): `max` or huge is no limit. */
export function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === 'max') return undefined;
  return limitValue(parseSingle(text));
}

/** A numeric limit, undefined when it means "unlimited". */
export function limitValue(n: number | undefined): number | undefined {
  return n === undefined || n < 0 || n >= UNLIMITED_FROM ? undefined : n;
}

/** `key value` lines (`memory.stat`, `cpu.stat`, `memory.events`) into a record of numbers. */
export function parseFlatKeyed(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (text === undefined) return out;
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const value = Number(line.slice(sp + 1));
    if (Number.isFinite(value)) out[line.slice(0, sp)] = value;
  }
  return out;
}

/**
 * A few keys of a `key value` file, found without splitting it: memory.stat has ~45 lines and a
 * scrape needs four of them, for every container, every scrape (allocation there is GC later).
 */
export function pickKeyed<K extends string>(text: string | undefined, keys: readonly K[]): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  if (text === undefined) return out;
  for (const key of keys) {
    const at = text.startsWith(`${key} `) ? 0 : text.indexOf(`\n${key} `) + 1;
    if (at === 0 && !text.startsWith(`${key} `)) continue;
    const start = at + key.length + 1;
    const end = text.indexOf('\n', start);
    const value = Number(text.slice(start, end < 0 ? undefined : end));
    if (Number.isFinite(value)) out[key] = value;
  }
  return out;
}

/** `major:minor` → numbers, or undefined. */
export function parseDevice(text: string): { major: number; minor: number } | undefined {
  const m = /^(\d+):(\d+)$/.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** Sums per-device totals (every reader reports totals and the per-device list). */
export function blkioTotals(devices: Array<{ readBytes: number; writeBytes: number; readOps: number; writeOps: number }>): {
  readBytes: number;
  writeBytes: number;
  readOps: number;
  writeOps: number;
} {
  const t = { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 };
  for (const d of devices) {
    t.readBytes += d.readBytes;
    t.writeBytes += d.writeBytes;
    t.readOps += d.readOps;
    t.writeOps += d.writeOps;
  }
  return t;
}

/**
 * A cgroup path as the readers accept it: absolute, no `..`, no trailing slash (so it can be
 * appended to a mount point). Paths come from specs ForgeOne wrote, so a bad one is a bug.
 */
export function checkCgroupPath(cgroupPath: string): string {
  const p = cgroupPath.replace(/\/+$/, '');
  if (!p.startsWith('/') || p.split('/').includes('..')) throw new ForgeError('Internal', `invalid cgroup path "${cgroupPath}"`);
  return p;
}

/** `{ [key]: value }` when value is defined, else `{}`: for optional fields under exactOptionalPropertyTypes habits. */
export function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
