import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { ApiClient } from '../../../src/api/client';
import { ForgeError } from '../../../src/errors';

/** A daemon stand-in: /echo upgrades and echoes (ending its side at the client's EOF); /missing is a 404. */
describe('ApiClient.hijack', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hijack-'));
  const socket = path.join(dir, 'd.sock');
  const server = http.createServer((req, res) => res.writeHead(req.url?.startsWith('/missing') ? 404 : 400).end());
  // Node hands every request with an Upgrade header to 'upgrade', so refusals are written raw here.
  const refuse = (sock: Socket, status: string, body: object) => {
    const text = JSON.stringify(body);
    sock.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  };
  server.on('upgrade', (req: http.IncomingMessage, sock: Socket) => {
    assert.equal(req.headers.upgrade, 'tcp');
    if (req.url?.startsWith('/missing')) return refuse(sock, '404 Not Found', { message: 'no such container: x', code: 'NotFound' });
    if (req.url?.startsWith('/fail')) {
      return refuse(sock, '409 Conflict', { message: 'exec failed', code: 'FailedPrecondition', details: { reason: 'command-not-found' } });
    }
    sock.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello:');
    sock.on('data', (d) => sock.write(d));
    sock.on('end', () => sock.end('bye'));
  });
  before(() => new Promise<void>((r) => server.listen(socket, r)));
  after(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns the raw socket after the 101; half-closing still lets the answer in', async () => {
    const client = new ApiClient(socket);
    const { socket: s, head } = await client.hijack('POST', '/echo', { body: { Tty: true } });
    const chunks: Buffer[] = [head];
    s.on('data', (d: Buffer) => chunks.push(d));
    const ended = new Promise((r) => s.on('end', r));
    s.write('ping');
    await new Promise((r) => setTimeout(r, 20));
    s.end();
    await ended;
    assert.equal(Buffer.concat(chunks).toString(), 'hello:pingbye');
  });

  it('turns a refused upgrade into the ForgeError of its body, details kept', async () => {
    const client = new ApiClient(socket);
    await assert.rejects(client.hijack('POST', '/missing'), (e: unknown) => e instanceof ForgeError && e.code === 'NotFound');
    await assert.rejects(
      client.hijack('POST', '/fail'),
      (e: unknown) => e instanceof ForgeError && e.code === 'FailedPrecondition' && e.details?.reason === 'command-not-found',
    );
  });

  it('a body-less error answer (HEAD) gets its code from the status', async () => {
    const client = new ApiClient(socket);
    await assert.rejects(client.request('HEAD', '/missing'), (e: unknown) => e instanceof ForgeError && e.code === 'NotFound');
  });
});
