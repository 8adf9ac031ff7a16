/**
 * Docker's network objects and requests: the pre-defined `host` and `none` networks (no record
 * in ForgeOne: they are network modes), `GET /networks` filters, and the create body's fields
 * ForgeOne cannot honour (refused with 400 rather than dropped). Pure.
 */
import { ForgeError } from '../../../errors';
import type { NetworkCreateRequest, NetworkResource } from '../../../config/api-types';
import { matchLabels, type Filters } from './filters';
import { isRecord, isZero } from './zero';

/** Names that are network modes without a network record. */
export const MODE_NETWORKS = ['host', 'none'] as const;

/** Docker's `host` or `none` network, with the containers that use that mode. */
export function modeNetwork(name: 'host' | 'none', containers: Array<{ id: string; name: string }>): NetworkResource {
  return {
    Name: name,
    Id: name,
    Created: '0001-01-01T00:00:00Z',
    Scope: 'local',
    Driver: name === 'host' ? 'host' : 'null',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: [] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigOnly: false,
    Containers: Object.fromEntries(containers.map((c) => [c.id, { Name: c.name, EndpointID: '', MacAddress: '', IPv4Address: '', IPv6Address: '' }])),
    Options: {},
    Labels: {},
  };
}

export const NETWORK_FILTERS = ['name', 'id', 'driver', 'label', 'type', 'scope', 'dangling'] as const;

/** Docker's network filters: name (substring), id (prefix), driver, label, type builtin|custom, scope, dangling. */
export function matchesNetworkFilters(n: NetworkResource, filters: Filters): boolean {
  const builtin = n.Name === 'bridge' || (MODE_NETWORKS as readonly string[]).includes(n.Name);
  const any = (key: string, test: (v: string) => boolean) => !filters[key]?.length || filters[key]!.some(test);
  return (
    any('name', (v) => n.Name.includes(v)) &&
    any('id', (v) => n.Id.startsWith(v)) &&
    any('driver', (v) => v === n.Driver) &&
    any('scope', (v) => v === n.Scope) &&
    any('type', (v) => {
      if (v !== 'builtin' && v !== 'custom') throw new ForgeError('InvalidArgument', `invalid filter: 'type'='${v}'`);
      return (v === 'builtin') === builtin;
    }) &&
    any('dangling', (v) => (v === 'true' || v === '1') === (!builtin && Object.keys(n.Containers).length === 0)) &&
    matchLabels(n.Labels, filters.label)
  );
}

const IGNORED_CREATE = ['Name', 'Driver', 'Internal', 'IPAM', 'Labels', 'CheckDuplicate', 'EnableIPv6', 'Attachable', 'Scope'];

/** The parts of docker's create body ForgeOne cannot honour, refused (the runtime parses the rest). */
export function checkNetworkCreate(body: Record<string, unknown>): NetworkCreateRequest {
  const bad = (what: string) => new ForgeError('InvalidArgument', `${what} is not supported by ForgeOne's networks`);
  for (const [key, value] of Object.entries(body)) {
    if (IGNORED_CREATE.includes(key) || isZero(value)) continue;
    throw bad(key);
  }
  if (body.Scope !== undefined && body.Scope !== '' && body.Scope !== 'local') throw bad(`Scope "${String(body.Scope)}"`);
  if (body.Labels !== undefined && body.Labels !== null && (!isRecord(body.Labels) || !Object.values(body.Labels).every((v) => typeof v === 'string'))) {
    throw new ForgeError('InvalidArgument', 'Labels must be an object of strings');
  }
  const ipam = body.IPAM;
  if (ipam !== undefined && ipam !== null) {
    if (!isRecord(ipam)) throw new ForgeError('InvalidArgument', 'IPAM must be an object');
    if (ipam.Driver !== undefined && ipam.Driver !== '' && ipam.Driver !== 'default') throw bad(`IPAM driver "${String(ipam.Driver)}"`);
    if (!isZero(ipam.Options)) throw bad('IPAM.Options');
    if (ipam.Config !== undefined && ipam.Config !== null && !Array.isArray(ipam.Config)) throw new ForgeError('InvalidArgument', 'IPAM.Config must be a list');
    for (const c of (ipam.Config ?? []) as unknown[]) {
      if (!isRecord(c)) throw new ForgeError('InvalidArgument', 'IPAM.Config entries must be objects');
      for (const [key, value] of Object.entries(c)) {
        if (key === 'Subnet' || key === 'Gateway') {
          if (typeof value !== 'string' && value !== undefined && value !== null) throw new ForgeError('InvalidArgument', `IPAM.Config.${key} must be a string`);
        } else if (!isZero(value)) throw bad(`IPAM.Config.${key} (--ip-range, --aux-address)`);
      }
    }
  }
  if (typeof body.Name !== 'string' || !body.Name) throw new ForgeError('InvalidArgument', 'network name is required (Name)');
  return body as unknown as NetworkCreateRequest;
}
