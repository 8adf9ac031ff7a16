/**
 * Published ports as users write them (`-p [IP:][HOST:]CTR[/PROTO]`, docker's forms) and the
 * request shape the API takes. Pure: shared by the CLI (flags), the daemon (EXPOSE for -P) and
 * the Docker-compatible layer (PortBindings).
 */
import { ForgeError } from '../errors';

export type PortProtocol = 'tcp' | 'udp';

export interface PortRequest {
  /** Port inside the container. */
  containerPort: number;
  protocol: PortProtocol;
  /** Host port; 0 = a free one picked at start. */
  hostPort: number;
  /** Host address to listen on; absent = every address (docker's default). */
  hostIp?: string;
}

const bad = (spec: string, why: string) =>
  new ForgeError('InvalidArgument', `invalid port spec "${spec}": ${why}`, { hint: 'use [IP:][HOST_PORT:]CONTAINER_PORT[/tcp|udp], e.g. 127.0.0.1:8080:80' });

function port(value: string, spec: string, allowZero: boolean): number {
  if (!/^\d{1,5}$/.test(value)) throw bad(spec, `"${value}" is not a port number`);
  const n = Number(value);
  if (n > 65535 || (n === 0 && !allowZero)) throw bad(spec, `port ${n} is out of range (1-65535)`);
  return n;
}

/** IPv4 dotted quad, each part 0-255. (IPv6 host addresses are not supported yet.) */
export function isIPv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** Parses one `-p` value. */
export function parsePortSpec(spec: string): PortRequest {
  const trimmed = spec.trim();
  if (!trimmed) throw bad(spec, 'it is empty');
  let body = trimmed;
  let protocol: PortProtocol = 'tcp';
  const slash = body.lastIndexOf('/');
  if (slash >= 0) {
    const proto = body.slice(slash + 1).toLowerCase();
    if (proto !== 'tcp' && proto !== 'udp') throw bad(spec, `protocol "${proto}" is not tcp or udp`);
    protocol = proto;
    body = body.slice(0, slash);
  }
  if (body.includes('-')) throw bad(spec, 'port ranges are not supported');
  if (body.startsWith('[')) throw bad(spec, 'IPv6 host addresses are not supported');
  const parts = body.split(':');
  let hostIp: string | undefined;
  let hostPort = 0;
  let containerPort: string;
  if (parts.length === 1) containerPort = parts[0]!;
  else if (parts.length === 2) {
    hostPort = port(parts[0]!, spec, false);
    containerPort = parts[1]!;
  } else if (parts.length === 3) {
    hostIp = parts[0]!;
    if (!isIPv4(hostIp)) throw bad(spec, `"${hostIp}" is not an IPv4 address`);
    hostPort = parts[1] === '' ? 0 : port(parts[1]!, spec, false);
    containerPort = parts[2]!;
  } else throw bad(spec, 'too many ":"');
  const out: PortRequest = { containerPort: port(containerPort, spec, false), protocol, hostPort };
  if (hostIp !== undefined && hostIp !== '0.0.0.0') out.hostIp = hostIp;
  return out;
}

/** `80/tcp` keys of an image's ExposedPorts → requests for a free host port each (-P). */
export function exposedPorts(exposed: Record<string, unknown> | undefined): PortRequest[] {
  const out: PortRequest[] = [];
  for (const key of Object.keys(exposed ?? {})) {
    const m = /^(\d{1,5})(?:\/(tcp|udp))?$/i.exec(key);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) continue; // sctp and ranges are not published
    out.push({ containerPort: Number(m[1]), protocol: (m[2]?.toLowerCase() ?? 'tcp') as PortProtocol, hostPort: 0 });
  }
  return out;
}

/** `80/tcp`: docker's key for a container port. */
export function portKey(p: { containerPort: number; protocol: PortProtocol }): string {
  return `${p.containerPort}/${p.protocol}`;
}

/**
 * Docker's HostConfig.PortBindings (`{"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}`) → port
 * requests, for the Docker-compatible create. An empty HostPort is a free port; an empty or
 * 0.0.0.0 HostIp every address.
 */
export function portsFromDockerBindings(bindings: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | undefined): PortRequest[] {
  const out: PortRequest[] = [];
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const m = /^(\d{1,5})(?:\/(tcp|udp))?$/i.exec(key);
    if (!m) throw new ForgeError('InvalidArgument', `invalid port "${key}" in PortBindings: use PORT[/tcp|udp]`);
    for (const b of list ?? []) { // null or []: exposed, not published
      const hostIp = b.HostIp && b.HostIp !== '0.0.0.0' ? b.HostIp : undefined;
      const spec = `${hostIp ?? '0.0.0.0'}:${b.HostPort ?? ''}:${m[1]}/${(m[2] ?? 'tcp').toLowerCase()}`;
      out.push(parsePortSpec(spec));
    }
  }
  return out;
}
