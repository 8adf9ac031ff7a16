/**
 * Host ports for publishing. portmap only writes DNAT rules, it never binds a socket, so a port
 * a host process (or another daemon) listens on would be silently shadowed: the port is tried
 * with a real bind first and reported as a Conflict before the container starts. A request for
 * port 0 gets a free port from the kernel (its ephemeral range), as docker does.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { ForgeError } from '../errors';
import type { PortProtocol } from '../config/port-spec';

function tryBind(protocol: PortProtocol, port: number, hostIp: string | undefined): Promise<number | undefined> {
  const address = hostIp ?? '0.0.0.0';
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(undefined));
      socket.bind({ port, address, exclusive: true }, () => {
        const bound = socket.address().port;
        socket.close(() => resolve(bound));
      });
      return;
    }
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: address, exclusive: true }, () => {
      const bound = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}

export function conflictError(port: number, protocol: PortProtocol, hostIp: string | undefined, by: string): ForgeError {
  return new ForgeError('Conflict', `port ${port}/${protocol} is already in use${hostIp ? ` on ${hostIp}` : ''} (${by})`, {
    hint: 'publish another host port (-p OTHER:CONTAINER), or stop what uses it',
    details: { port, protocol, hostIp: hostIp ?? '' },
  });
}

/** Checks a host port by binding it; Conflict naming the port when taken. */
export async function checkHostPort(protocol: PortProtocol, port: number, hostIp?: string): Promise<void> {
  if ((await tryBind(protocol, port, hostIp)) === undefined) throw conflictError(port, protocol, hostIp, 'a host process listens on it');
}

/** A free port picked by the kernel, avoiding `avoid` (ports other containers publish). */
export async function pickHostPort(protocol: PortProtocol, hostIp: string | undefined, avoid: ReadonlySet<number>): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await tryBind(protocol, 0, hostIp);
    if (port !== undefined && !avoid.has(port)) return port;
  }
  throw new ForgeError('Unavailable', `no free ${protocol} port found on ${hostIp ?? 'the host'}`);
}
