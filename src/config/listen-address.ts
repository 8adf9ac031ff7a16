/**
 * TCP listen addresses in config (`metrics-address`): `HOST:PORT` or `[IPv6]:PORT`. The host is
 * required: an empty host would mean every interface, and ForgeOne binds only what was asked
 * (DESIGN.md section 6), so "all interfaces" must be written as 0.0.0.0 or [::].
 */
import { isIP } from 'node:net';
import { ForgeError } from '../errors';

export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListenAddress(text: string): ListenAddress {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]*):(\d+)$/.exec(text);
  const hint = 'write HOST:PORT, e.g. 127.0.0.1:9323 or [::1]:9323 (0.0.0.0:9323 for every interface)';
  if (!m) throw new ForgeError('InvalidArgument', `invalid listen address "${text}"`, { hint });
  const [, host, portText] = m as unknown as [string, string, string];
  if (host === '') throw new ForgeError('InvalidArgument', `listen address "${text}" has no host`, { hint });
  if (text.startsWith('[') && isIP(host) !== 6) throw new ForgeError('InvalidArgument', `"${host}" in "${text}" is not an IPv6 address`, { hint });
  if (!/^[A-Za-z0-9.-]+$/.test(host) && isIP(host) === 0) throw new ForgeError('InvalidArgument', `invalid host "${host}" in "${text}"`, { hint });
  const port = Number(portText);
  if (!Number.isInteger(port) || port > 65535) throw new ForgeError('InvalidArgument', `invalid port in "${text}"`, { hint });
  return { host, port };
}
