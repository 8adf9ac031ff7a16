/**
 * IPv4 subnet arithmetic for networks: parsing and checking `--subnet`/`--gateway`, and picking
 * a free /24 from the daemon's pool for a network created without one. Pure.
 */
import { ForgeError } from '../errors';

export interface Subnet {
  /** Network address as a 32-bit unsigned number. */
  base: number;
  prefix: number;
}

export function ipToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    throw new ForgeError('InvalidArgument', `"${ip}" is not an IPv4 address`);
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

const size = (s: Subnet) => 2 ** (32 - s.prefix);

/** `10.88.1.0/24`; host bits must be zero (docker rejects them too). */
export function parseSubnet(cidr: string): Subnet {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) throw new ForgeError('InvalidArgument', `invalid subnet "${cidr}": use CIDR like 10.88.1.0/24`);
  const prefix = Number(m[2]);
  if (prefix < 8 || prefix > 30) throw new ForgeError('InvalidArgument', `invalid subnet "${cidr}": the prefix must be between /8 and /30`);
  const base = ipToNumber(m[1]!);
  const s = { base, prefix };
  if (base % size(s) !== 0) {
    throw new ForgeError('InvalidArgument', `invalid subnet "${cidr}": host bits are set`, { hint: `did you mean ${numberToIp(base - (base % size(s)))}/${prefix}?` });
  }
  return s;
}

export function formatSubnet(s: Subnet): string {
  return `${numberToIp(s.base)}/${s.prefix}`;
}

export function contains(s: Subnet, ip: string): boolean {
  const n = ipToNumber(ip);
  return n >= s.base && n < s.base + size(s);
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** The first host address: the gateway docker and podman pick by default. */
export function defaultGateway(s: Subnet): string {
  return numberToIp(s.base + 1);
}

/** Checks a user's gateway: inside the subnet, neither its network nor its broadcast address. */
export function checkGateway(s: Subnet, gateway: string): void {
  const n = ipToNumber(gateway);
  if (!contains(s, gateway) || n === s.base || n === s.base + size(s) - 1) {
    throw new ForgeError('InvalidArgument', `gateway ${gateway} is not a usable address of subnet ${formatSubnet(s)}`);
  }
}

/** The first /24 of `pool` that overlaps none of `taken`; Conflict when the pool is used up. */
export function pickSubnet(pool: Subnet, taken: readonly Subnet[]): Subnet {
  const step = 256;
  for (let base = pool.base; base + step <= pool.base + size(pool); base += step) {
    const candidate = { base, prefix: 24 };
    if (!taken.some((t) => overlaps(t, candidate))) return candidate;
  }
  throw new ForgeError('Conflict', `no free subnet left in the network pool ${formatSubnet(pool)}`, {
    hint: 'remove unused networks (network prune), give --subnet, or widen network-pool in the daemon config',
  });
}
