/**
 * The distribution client's HTTP behaviour that a plain registry does not exercise:
 * - Bearer token auth against a real docker-registry configured for token auth, with a small
 *   token server here that signs JWTs (RS256, x5c) like Docker Hub's auth service;
 * - redirects to blob storage on another host (Authorization dropped), a 503 retried, a
 *   redirect loop refused, served by small HTTP servers standing in for a CDN.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSign, randomUUID, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { parseDaemonConfig } from '../../src/config/daemon-config';
import { MediaTypes } from '../../src/config/oci-image';
import { isForgeError } from '../../src/errors';
import { sha256 } from '../../src/util/digest';
import { parseReference } from '../../src/registry/reference';
import { RegistryClient } from '../../src/registry/distribution/client';
import { freePort } from '../fixtures/registry';
import { makeTempDir, removeDir } from '../fixtures/tmp';

const BASE = { 'registry-retries': 3, 'registry-retry-delay-ms': 10, 'registry-timeout-seconds': 10 };
const USER = { username: 'forge', password: 'pw' };

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; host: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (s: Server | undefined) => new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('Bearer token auth with a real registry', () => {
  let dir: string;
  let registry: ChildProcess | undefined;
  let tokens: Server | undefined;
  let host: string;
  const issued: string[] = [];

  before(async () => {
    dir = await makeTempDir('forgeone-token-');
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'signer.key'),
      '-out', join(dir, 'signer.pem'), '-days', '2', '-subj', '/CN=forgeone token signer']);
    const key = await readFile(join(dir, 'signer.key'));
    const x5c = new X509Certificate(await readFile(join(dir, 'signer.pem'))).raw.toString('base64');
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    // Grants what is asked to USER; anonymous callers get pull on public/* only.
    const t = await listen((req, res) => {
      const url = new URL(req.url ?? '/', 'http://token');
      const basic = req.headers.authorization?.replace(/^Basic /, '');
      const ok = basic !== undefined && Buffer.from(basic, 'base64').toString() === `${USER.username}:${USER.password}`;
      issued.push(`${ok ? 'user' : basic ? 'bad' : 'anon'} ${url.searchParams.getAll('scope').join(' ')}`);
      if (basic && !ok) return void res.writeHead(401).end();
      const access = url.searchParams.getAll('scope').map((s) => {
        const [type, name, actions] = s.split(':') as [string, string, string];
        return { type, name, actions: ok ? actions.split(',') : name.startsWith('public/') ? ['pull'] : [] };
      });
      const now = Math.floor(Date.now() / 1000);
      const unsigned = `${b64({ typ: 'JWT', alg: 'RS256', x5c: [x5c] })}.${b64({
        iss: 'forgeone-test', sub: ok ? USER.username : '', aud: url.searchParams.get('service'), exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access,
      })}`;
      const signature = createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `${unsigned}.${signature}`, expires_in: 300 }));
    });
    tokens = t.server;
    host = `127.0.0.1:${await freePort()}`;
    const q = JSON.stringify;
    await writeFile(join(dir, 'config.yml'), [
      'version: 0.1', 'log: {level: error, accesslog: {disabled: true}}', `storage: {filesystem: {rootdirectory: ${q(join(dir, 'data'))}}}`,
      `http: {addr: ${q(host)}, secret: ${q(randomUUID())}}`,
      `auth: {token: {realm: ${q(`http://${t.host}/token`)}, service: forgeone-registry, issuer: forgeone-test, rootcertbundle: ${q(join(dir, 'signer.pem'))}}}`,
    ].join('\n'));
    registry = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
    for (let i = 0; ; i++) {
      const status = await fetch(`http://${host}/v2/`).then((r) => r.status, () => 0);
      if (status === 401) break;
      if (i > 200 || registry.exitCode !== null) throw new Error(`token-auth registry did not start (status ${status})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  after(async () => {
    if (registry && registry.exitCode === null) {
      const exited = new Promise((r) => registry!.once('exit', r));
      registry.kill('SIGTERM');
      await exited;
    }
    await close(tokens);
    if (dir) await removeDir(dir);
  });

  test('push with a token, anonymous pull where allowed, Unauthorized elsewhere, checkAuth', async () => {
    const client = new RegistryClient({ config: parseDaemonConfig(BASE) });
    const authed = client.forRequest({ credentials: (h) => (h === host ? USER : undefined) });
    try {
      const layer = Buffer.from('layer bytes');
      const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
      const manifest = Buffer.from(JSON.stringify({
        schemaVersion: 2, mediaType: MediaTypes.ociManifest,
        config: { mediaType: MediaTypes.ociConfig, digest: sha256(config), size: config.length },
        layers: [{ mediaType: MediaTypes.ociLayer, digest: sha256(layer), size: layer.length }],
      }));
      const pub = parseReference(`${host}/public/app:v1`);
      for (const data of [layer, config]) {
        await authed.uploadBlob(pub, { descriptor: { digest: sha256(data), size: data.length }, open: () => Readable.from([data]) });
      }
      assert.equal(await authed.putManifest(pub, 'v1', MediaTypes.ociManifest, manifest), sha256(manifest));
      // One token for the whole push: scopes are cached per (registry, scope, credentials).
      assert.deepEqual(issued.filter((i) => i.includes('public/app:pull,push')), ['user repository:public/app:pull,push']);

      const priv = parseReference(`${host}/private/app:v1`);
      assert.equal(await authed.mountBlob(priv, sha256(layer), 'public/app'), true);
      assert.ok(issued.includes('user repository:private/app:pull,push repository:public/app:pull'));

      assert.equal((await client.getManifest(pub)).descriptor.digest, sha256(manifest));
      await assert.rejects(client.getBlob(priv, { mediaType: MediaTypes.ociLayer, digest: sha256(layer), size: layer.length }),
        (e) => isForgeError(e, 'Unauthorized') && e.hint === `forgeone login ${host}`);
      assert.deepEqual(await readAll(await authed.getBlob(priv, { mediaType: MediaTypes.ociLayer, digest: sha256(layer), size: layer.length })), layer);

      await authed.checkAuth(host);
      const wrong = client.forRequest({ credentials: () => ({ username: USER.username, password: 'nope' }) });
      await assert.rejects(wrong.checkAuth(host), (e) => isForgeError(e, 'Unauthorized'));
      await assert.rejects(wrong.getManifest(pub), (e) => isForgeError(e, 'Unauthorized') && e.hint === `forgeone login ${host}`);
    } finally {
      await client.close();
    }
  });
});

describe('redirects and retries', () => {
  const blob = Buffer.from('served by blob storage');
  const digest = sha256(blob);
  let front: Server | undefined;
  let storage: Server | undefined;
  let frontHost: string;
  const seen: string[] = [];
  let unavailableOnce = true;

  before(async () => {
    const s = await listen((req, res) => {
      seen.push(`storage ${req.url} auth=${req.headers.authorization ? 'yes' : 'no'}`);
      res.writeHead(200, { 'content-length': String(blob.length) }).end(blob);
    });
    storage = s.server;
    const f = await listen((req, res) => {
      seen.push(`front ${req.url} auth=${req.headers.authorization ? 'yes' : 'no'}`);
      if (!req.headers.authorization) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="front"' }).end();
      if (req.url === `/v2/loop/blobs/${digest}`) return void res.writeHead(307, { location: req.url }).end();
      if (req.url === `/v2/redir/blobs/${digest}`) {
        if (unavailableOnce) {
          unavailableOnce = false;
          return void res.writeHead(503).end('{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}');
        }
        return void res.writeHead(307, { location: '/cdn/one' }).end(); // relative
      }
      if (req.url === '/cdn/one') return void res.writeHead(302, { location: `http://${s.host}/two?sig=abc` }).end();
      res.writeHead(404).end();
    });
    front = f.server;
    frontHost = f.host;
  });

  after(async () => {
    await close(front);
    await close(storage);
  });

  test('follows relative and absolute redirects, drops Authorization on another host, retries a 503', async () => {
    const client = new RegistryClient({ config: parseDaemonConfig(BASE), credentials: () => USER });
    try {
      const ref = parseReference(`${frontHost}/redir:v1`);
      const body = await readAll(await client.getBlob(ref, { mediaType: MediaTypes.ociLayer, digest, size: blob.length }));
      assert.deepEqual(body, blob);
      assert.deepEqual(seen.filter((l) => !l.includes('auth=no') || l.startsWith('storage')), [
        `front /v2/redir/blobs/${digest} auth=yes`, // 503, retried
        `front /v2/redir/blobs/${digest} auth=yes`,
        'front /cdn/one auth=yes', // same host keeps it
        'storage /two?sig=abc auth=no', // another host never sees it
      ]);
      const loop = parseReference(`${frontHost}/loop:v1`);
      await assert.rejects(client.getBlob(loop, { mediaType: MediaTypes.ociLayer, digest, size: blob.length }), (e) => isForgeError(e, 'Unavailable') && /redirects/.test(e.message));
    } finally {
      await client.close();
    }
  });
});
