/**
 * Values of container flags that carry units, parsed the way the docker CLI reads them:
 * sizes (`64m`, binary multiples), CPUs (`0.5`), Go-style durations (`1h30m`) and the times
 * `logs --since` accepts. Pure: errors are InvalidArgument, thrown before any request.
 */
import { ForgeError } from '../../../errors';

const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** `1024`, `512k`, `64m`, `64MB`, `1.5g`, `2GiB` → bytes (binary multiples, as docker's RAMInBytes). */
export function parseSize(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:([kmgtp])(?:i?b)?|b)?$/i.exec(value.trim());
  if (!m) throw new ForgeError('InvalidArgument', `invalid ${flag} "${value}": use a number with an optional unit b, k, m or g (e.g. 64m)`);
  const unit = (m[2] ?? 'b').toLowerCase();
  return Math.floor(Number(m[1]) * SIZE_UNITS[unit]!);
}

/** The kernel cannot run a container in less; docker refuses it with the same limit. */
export const MIN_MEMORY = 6 * 1024 * 1024;

/** `--memory`: bytes, or undefined for 0 (no limit, like docker). */
export function parseMemory(value: string): number | undefined {
  const bytes = parseSize(value, '--memory');
  if (bytes === 0) return undefined;
  if (bytes < MIN_MEMORY) throw new ForgeError('InvalidArgument', `--memory ${value} is too small: the minimum memory limit is 6MB`);
  return bytes;
}

/** `--cpus 0.5`: a positive fraction of CPUs; 0 means no limit (docker's behaviour). */
export function parseCpus(value: string): number | undefined {
  const trimmed = value.trim();
  const n = /^(\d+(\.\d*)?|\.\d+)$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isFinite(n)) throw new ForgeError('InvalidArgument', `invalid --cpus "${value}": use a number of CPUs like 0.5 or 2`);
  if (n === 0) return undefined;
  if (n < 0.01) throw new ForgeError('InvalidArgument', `--cpus ${value} is too small: the minimum is 0.01`);
  return n;
}

/** A whole number, for --pids-limit, --stop-timeout, --tail, -t... */
export function parseInteger(value: string, flag: string, options: { min?: number } = {}): number {
  const n = /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new ForgeError('InvalidArgument', `invalid ${flag} "${value}": expected a whole number`);
  if (options.min !== undefined && n < options.min) throw new ForgeError('InvalidArgument', `invalid ${flag} ${value}: must be at least ${options.min}`);
  return n;
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration: `300ms`, `10m`, `1h30m`, `1.5h` → milliseconds; undefined if it is not one. */
export function parseDuration(value: string): number | undefined {
  const text = value.trim();
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * DURATION_UNITS[m[2]!]!;
  return ms;
}

/**
 * `--since`/`--until` of logs: a duration before now (`10m`), unix seconds (`1700000000` or
 * with fractions), or a date (RFC 3339, `2024-01-02`) → unix seconds as the API wants them.
 */
export function parseTimestamp(value: string, flag: string, now: number = Date.now()): string {
  const duration = parseDuration(value);
  if (duration !== undefined) return String((now - duration) / 1000);
  if (/^\d+(\.\d+)?$/.test(value.trim())) return value.trim();
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new ForgeError('InvalidArgument', `invalid ${flag} "${value}": use a duration (10m, 1h30m), unix seconds, or a date (2024-01-02T15:04:05Z)`);
  }
  return String(ms / 1000);
}
