/**
 * The server side of Docker's hijacked connections: answer 101 and hand over the raw socket.
 * Handlers mark the socket as upgraded so a later error is not sent as an HTTP answer.
 */
import type { Duplex } from 'node:stream';

export function acceptUpgrade(socket: Duplex, contentType: 'application/vnd.docker.raw-stream' | 'application/vnd.docker.multiplexed-stream'): void {
  socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  (socket as { upgraded?: boolean }).upgraded = true;
}
