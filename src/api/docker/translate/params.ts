/** Docker's query parameter formats: unix times with fractions, terminal sizes, timestamps. Pure. */
import { ForgeError } from '../../../errors';

/**
 * `since`/`until`: unix seconds, optionally with a fraction (`1700000000.000000001`, what the
 * docker CLI sends after converting `10m` or a date), or an RFC 3339 date. Absent or 0: none.
 */
export function unixTime(value: string | null, name: string): Date | undefined {
  if (value === null || value === '' || value === '0') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return new Date(Number(value) * 1000);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new ForgeError('InvalidArgument', `${name} must be unix seconds or an RFC 3339 time, got "${value}"`);
  return new Date(t);
}

/** The same as nanoseconds, for the event log. */
export function unixTimeNano(value: string | null, name: string): bigint | undefined {
  if (value === null || value === '') return undefined;
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(value);
  if (m) return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
  const d = unixTime(value, name);
  return d ? BigInt(d.getTime()) * 1_000_000n : undefined;
}

export function dimension(query: URLSearchParams, name: string): number {
  const n = Number(query.get(name));
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new ForgeError('InvalidArgument', `${name} must be a positive whole number`);
  return n;
}

/** k8s-file's `2026-11-27T20:52:25.335234479+00:00` → Docker's RFC 3339 nano `…479Z`. */
export function dockerTimestamp(ts: string): string {
  return ts.replace(/\+00:00$/, 'Z');
}

/**
 * A prune `until` filter: unix seconds, an RFC 3339 time, or a Go duration before now (`24h`,
 * `1h30m`, `90s`), as `docker container prune --filter until=…` sends it. Milliseconds.
 */
export function untilTime(value: string, nowMs: number): number {
  const duration = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(value);
  if (duration && value !== '') {
    const [, h = '0', m = '0', sec = '0'] = duration;
    return nowMs - (Number(h) * 3600 + Number(m) * 60 + Number(sec)) * 1000;
  }
  const t = unixTime(value, 'until');
  if (!t) throw new ForgeError('InvalidArgument', `invalid until filter "${value}"`);
  return t.getTime();
}
