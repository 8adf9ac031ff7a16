/**
 * `ps` rows as docker prints them: a 12-character ID, the command quoted and cut to 20
 * characters with an ellipsis, "5 minutes ago", the daemon's status text ("Up 2 seconds",
 * "Exited (0) 3 minutes ago"), names without their leading slash. Pure, for the tests.
 */
import type { ContainerSummary } from '../../../config/api-types';
import { timeAgo } from '../../../util/format';

export interface PsRow extends Record<string, string> {
  ID: string;
  Image: string;
  Command: string;
  CreatedAt: string;
  RunningFor: string;
  Ports: string;
  State: string;
  Status: string;
  Names: string;
  Labels: string;
  Mounts: string;
  Engine: string;
}

export const PS_HEADERS: Array<[keyof PsRow & string, string]> = [
  ['ID', 'CONTAINER ID'],
  ['Image', 'IMAGE'],
  ['Command', 'COMMAND'],
  ['RunningFor', 'CREATED'],
  ['Status', 'STATUS'],
  ['Ports', 'PORTS'],
  ['Names', 'NAMES'],
];

/** docker's Ellipsis: at most `max` characters, the last one "…" when cut. */
export function ellipsis(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/** The COMMAND column: cut (unless --no-trunc), then quoted like Go's strconv.Quote. */
export function formatCommand(command: string, truncate: boolean): string {
  return JSON.stringify(truncate ? ellipsis(command, 20) : command);
}

/** `2024-01-02 15:04:05 +0000 UTC`, docker's CreatedAt. */
export function formatCreatedAt(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC');
}

export function psRow(c: ContainerSummary, options: { truncate: boolean; now?: number }): PsRow {
  const id = c.Id.replace(/^sha256:/, '');
  // An image shown by its ID (no name) is shortened like the container's own ID.
  const image = options.truncate && /^sha256:[0-9a-f]{64}$/.test(c.Image) ? c.Image.slice(7, 19) : c.Image;
  return {
    ID: options.truncate ? id.slice(0, 12) : id,
    Image: image,
    Command: formatCommand(c.Command, options.truncate),
    CreatedAt: formatCreatedAt(c.Created),
    RunningFor: timeAgo(c.Created * 1000, options.now),
    Ports: (c.Ports ?? []).map((p) => (p.PublicPort ? `${p.IP ?? '0.0.0.0'}:${p.PublicPort}->${p.PrivatePort}/${p.Type}` : `${p.PrivatePort}/${p.Type}`)).join(', '),
    State: c.State,
    Status: c.Status,
    Names: c.Names.map((n) => n.replace(/^\//, '')).join(','),
    Labels: Object.entries(c.Labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    Mounts: (c.Mounts ?? []).map((m) => (m.Name ? m.Name : options.truncate ? ellipsis(m.Source, 15) : m.Source)).join(','),
    Engine: c.Engine,
  };
}

/** --filter k=v (repeated) → the API's filters JSON ({"status":["exited"]}). */
export function parseFilters(values: string[]): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new Error(`bad format of filter "${value}" (expected name=value)`);
    (filters[value.slice(0, eq)] ??= []).push(value.slice(eq + 1));
  }
  return filters;
}
