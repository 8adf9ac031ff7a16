/** Reads what a container interface got (address, gateway, MAC) out of a CNI result. */
import type { CniResult, InterfaceAddress } from '../types';

export function interfaceAddress(result: CniResult, ifname: string): InterfaceAddress | undefined {
  const interfaces = result.interfaces ?? [];
  const index = interfaces.findIndex((i) => i.name === ifname && i.sandbox);
  const ip = (result.ips ?? []).find((a) => (index >= 0 ? a.interface === index : true) && !a.address.includes(':'));
  if (!ip) return undefined;
  const [address = '', prefix = '32'] = ip.address.split('/');
  return { ip: address, prefixLen: Number(prefix), gateway: ip.gateway ?? '', mac: index >= 0 ? (interfaces[index]!.mac ?? '') : '' };
}
