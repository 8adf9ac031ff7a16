/**
 * The networks table and network_endpoints (which container is on which network, and the CNI
 * attachment while its task runs). Records are network/'s types, stored as given.
 */
import { ForgeError } from '../errors';
import type { Db } from './database';
import type { EndpointRecord, NetworkRecord } from './types';

interface NetworkRow {
  id: string;
  name: string;
  bridge: string;
  subnet: string;
  gateway: string;
  internal: number;
  labels: string;
  created_at: number;
}

interface EndpointRow {
  container_id: string;
  network_id: string;
  position: number;
  aliases: string;
  attachment: string | null;
}

const toNetwork = (r: NetworkRow): NetworkRecord => ({
  id: r.id,
  name: r.name,
  bridge: r.bridge,
  subnet: r.subnet,
  gateway: r.gateway,
  internal: r.internal === 1,
  labels: JSON.parse(r.labels) as Record<string, string>,
  createdAt: r.created_at,
});

const toEndpoint = (r: EndpointRow): EndpointRecord => ({
  containerId: r.container_id,
  networkId: r.network_id,
  position: r.position,
  aliases: JSON.parse(r.aliases) as string[],
  attachment: r.attachment === null ? undefined : JSON.parse(r.attachment),
});

export class NetworksRepository {
  constructor(private readonly db: Db) {}

  insert(n: NetworkRecord): void {
    try {
      this.db
        .prepare('INSERT INTO networks (id, name, bridge, subnet, gateway, internal, labels, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(n.id, n.name, n.bridge, n.subnet, n.gateway, n.internal ? 1 : 0, JSON.stringify(n.labels), n.createdAt);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ForgeError('Conflict', `network with name ${n.name} already exists`, { details: { name: n.name } });
      }
      throw err;
    }
  }

  all(): NetworkRecord[] {
    return (this.db.prepare('SELECT * FROM networks ORDER BY created_at, name').all() as NetworkRow[]).map(toNetwork);
  }

  get(id: string): NetworkRecord | undefined {
    const row = this.db.prepare('SELECT * FROM networks WHERE id = ?').get(id) as NetworkRow | undefined;
    return row ? toNetwork(row) : undefined;
  }

  byName(name: string): NetworkRecord | undefined {
    const row = this.db.prepare('SELECT * FROM networks WHERE name = ?').get(name) as NetworkRow | undefined;
    return row ? toNetwork(row) : undefined;
  }

  /** IDs starting with `prefix` (for short IDs). */
  byIdPrefix(prefix: string): NetworkRecord[] {
    if (!/^[a-f0-9]+$/.test(prefix)) return [];
    return (this.db.prepare("SELECT * FROM networks WHERE id LIKE ? || '%'").all(prefix) as NetworkRow[]).map(toNetwork);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM networks WHERE id = ?').run(id);
  }

  addEndpoint(e: Omit<EndpointRecord, 'attachment'>): void {
    try {
      this.db
        .prepare('INSERT INTO network_endpoints (container_id, network_id, position, aliases, attachment) VALUES (?, ?, ?, ?, NULL)')
        .run(e.containerId, e.networkId, e.position, JSON.stringify(e.aliases));
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new ForgeError('Conflict', `the container is already connected to that network`, { details: { networkId: e.networkId } });
      }
      throw err;
    }
  }

  endpointsOf(containerId: string): EndpointRecord[] {
    return (this.db.prepare('SELECT * FROM network_endpoints WHERE container_id = ? ORDER BY position').all(containerId) as EndpointRow[]).map(toEndpoint);
  }

  endpointsOn(networkId: string): EndpointRecord[] {
    return (this.db.prepare('SELECT * FROM network_endpoints WHERE network_id = ?').all(networkId) as EndpointRow[]).map(toEndpoint);
  }

  allEndpoints(): EndpointRecord[] {
    return (this.db.prepare('SELECT * FROM network_endpoints').all() as EndpointRow[]).map(toEndpoint);
  }

  /** Saves (or clears, with undefined) the CNI attachment of an endpoint. */
  setAttachment(containerId: string, networkId: string, attachment: unknown): void {
    this.db
      .prepare('UPDATE network_endpoints SET attachment = ? WHERE container_id = ? AND network_id = ?')
      .run(attachment === undefined ? null : JSON.stringify(attachment), containerId, networkId);
  }

  removeEndpoint(containerId: string, networkId: string): void {
    this.db.prepare('DELETE FROM network_endpoints WHERE container_id = ? AND network_id = ?').run(containerId, networkId);
  }
}
