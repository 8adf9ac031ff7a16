/**
 * Docker's `filters` query parameter: JSON `{"key":["v1","v2"]}` or the older
 * `{"key":{"v1":true}}`. Each resource accepts its own keys; an unknown key is a 400 naming the
 * supported ones (dockerd does the same), never a filter silently dropped. Pure.
 */
import { ForgeError } from '../../../errors';

export type Filters = Record<string, string[]>;

export function parseDockerFilters(raw: string | null, allowed: readonly string[]): Filters {
  if (!raw) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ForgeError('InvalidArgument', `invalid filters: ${raw} is not JSON like {"status":["exited"]}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ForgeError('InvalidArgument', 'invalid filters: not a JSON object');
  const out: Filters = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!allowed.includes(key)) throw new ForgeError('InvalidArgument', `invalid filter '${key}' (supported: ${allowed.join(', ')})`);
    if (Array.isArray(v)) out[key] = v.map(String);
    else if (v && typeof v === 'object') out[key] = Object.entries(v as Record<string, unknown>).filter(([, on]) => on === true).map(([k]) => k);
    else throw new ForgeError('InvalidArgument', `invalid filter '${key}': its values must be a list`);
  }
  return out;
}

/** A boolean filter (`dangling`): undefined when absent, 400 for anything but true/false/1/0. */
export function boolFilter(filters: Filters, key: string): boolean | undefined {
  const values = filters[key];
  if (!values?.length) return undefined;
  const v = values[values.length - 1]!.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ForgeError('InvalidArgument', `invalid filter '${key}=${values[0]}': use true or false`);
}

/** `label` filters: `key` or `key=value`, all of which must match. */
export function matchLabels(labels: Record<string, string>, wanted: string[] | undefined): boolean {
  return (wanted ?? []).every((w) => {
    const i = w.indexOf('=');
    if (i < 0) return w in labels;
    return labels[w.slice(0, i)] === w.slice(i + 1);
  });
}

export const CONTAINER_FILTERS = ['status', 'name', 'label', 'id', 'ancestor', 'exited', 'before', 'since', 'volume', 'network', 'health', 'is-task'] as const;
export const IMAGE_FILTERS = ['dangling', 'reference', 'label', 'before', 'since', 'until'] as const;
export const VOLUME_FILTERS = ['name', 'label', 'dangling', 'driver'] as const;
export const EVENT_FILTERS = ['type', 'event', 'container', 'image', 'volume', 'label', 'network', 'daemon', 'plugin', 'node', 'service', 'secret', 'config', 'scope'] as const;
