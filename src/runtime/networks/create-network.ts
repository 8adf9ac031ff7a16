/**
 * `network create`: a bridge network with an IPv4 subnet (given, or the next free /24 of the
 * daemon's pool) that overlaps no other network and no address on the host. Its isolation
 * rules are programmed now; the bridge device itself appears with the first container (CNI).
 */
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { ForgeError } from '../../errors';
import type { NetworkCreateRequest } from '../../config/api-types';
import { checkGateway, contains, defaultGateway, formatSubnet, overlaps, parseSubnet, pickSubnet, type Subnet } from '../../network/subnets';
import type { NetworkRecord } from '../../state/types';
import type { RuntimeContext } from '../context';
import { DEFAULT_NETWORK, SPECIAL_MODES } from './services';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export interface NewNetwork {
  name: string;
  subnet?: string;
  gateway?: string;
  internal?: boolean;
  labels?: Record<string, string>;
  /** Bridge device name; default `fo-` + 12 hex of the ID. */
  bridge?: string;
}

/** Parses docker's create body into NewNetwork, refusing what is not supported. */
export function fromDockerRequest(body: NetworkCreateRequest): NewNetwork {
  if (typeof body?.Name !== 'string') throw new ForgeError('InvalidArgument', 'network name is required (Name)');
  if (body.Driver && body.Driver !== 'bridge') {
    throw new ForgeError('NotImplemented', `network driver "${body.Driver}" is not supported`, { hint: 'only the bridge driver is available' });
  }
  if (body.EnableIPv6) throw new ForgeError('NotImplemented', 'IPv6 networks are not supported yet');
  const configs = body.IPAM?.Config ?? [];
  if (configs.length > 1) throw new ForgeError('NotImplemented', 'only one IPAM config (subnet) per network is supported');
  const c = configs[0];
  return {
    name: body.Name,
    ...(c?.Subnet ? { subnet: c.Subnet } : {}),
    ...(c?.Gateway ? { gateway: c.Gateway } : {}),
    internal: !!body.Internal,
    labels: body.Labels ?? {},
  };
}

/** Subnets in use on the host (its interfaces' addresses), so a network never shadows them. */
function hostSubnets(exceptBridges: Set<string>): Subnet[] {
  const out: Subnet[] = [];
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (exceptBridges.has(name)) continue;
    for (const a of addrs ?? []) {
      if (a.family !== 'IPv4' || a.internal || !a.cidr) continue;
      const [ip = '', prefix = '32'] = a.cidr.split('/');
      const p = Number(prefix);
      const n = ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
      const blk = 2 ** (32 - p);
      out.push({ base: n - (n % blk), prefix: p });
    }
  }
  return out;
}

export async function createNetwork(rt: RuntimeContext, input: NewNetwork): Promise<NetworkRecord> {
  if (!NAME.test(input.name) || input.name.length > 64) {
    throw new ForgeError('InvalidArgument', `invalid network name "${input.name}": use [a-zA-Z0-9][a-zA-Z0-9_.-], at most 64 characters`);
  }
  if ((SPECIAL_MODES as readonly string[]).includes(input.name) || (input.name === DEFAULT_NETWORK && input.bridge === undefined)) {
    throw new ForgeError('Conflict', `network with name ${input.name} already exists`, { hint: `"${input.name}" is a pre-defined network` });
  }
  return rt.network.mutex.run(async () => {
    if (rt.network.repo.byName(input.name)) throw new ForgeError('Conflict', `network with name ${input.name} already exists`);
    const existing = rt.network.repo.all();
    const others = [...existing.map((n) => parseSubnet(n.subnet)), ...hostSubnets(new Set(existing.map((n) => n.bridge)))];
    let subnet: Subnet;
    if (input.subnet) {
      subnet = parseSubnet(input.subnet);
      const clash = existing.find((n) => overlaps(parseSubnet(n.subnet), subnet));
      if (clash) throw new ForgeError('Conflict', `subnet ${formatSubnet(subnet)} overlaps network ${clash.name} (${clash.subnet})`);
      if (others.some((o) => overlaps(o, subnet))) throw new ForgeError('Conflict', `subnet ${formatSubnet(subnet)} overlaps an address of this host`);
    } else {
      if (input.gateway) throw new ForgeError('InvalidArgument', '--gateway needs --subnet');
      subnet = pickSubnet(parseSubnet(rt.config['network-pool']), others);
    }
    const gateway = input.gateway ?? defaultGateway(subnet);
    checkGateway(subnet, gateway);
    if (!contains(subnet, gateway)) throw new ForgeError('InvalidArgument', `gateway ${gateway} is outside ${formatSubnet(subnet)}`);
    const id = randomBytes(32).toString('hex');
    const record: NetworkRecord = {
      id,
      name: input.name,
      bridge: input.bridge ?? `fo-${id.slice(0, 12)}`,
      subnet: formatSubnet(subnet),
      gateway,
      internal: !!input.internal,
      labels: input.labels ?? {},
      createdAt: Date.now(),
    };
    await rt.network.firewall.addNetwork(record);
    try {
      rt.network.repo.insert(record);
    } catch (err) {
      await rt.network.firewall.removeNetwork(record).catch(() => undefined);
      throw err;
    }
    rt.events.publish('/networks/create', id, { name: record.name });
    return record;
  });
}
