/**
 * The distribution client against a real registry (docker-registry 2.8 on 127.0.0.1): push and
 * pull round trips over plain HTTP, TLS with a private CA, and htpasswd auth; chunked uploads,
 * mounts, mirrors falling through, error codes; skopeo reads what we pushed.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { parseDaemonConfig } from '../../src/config/daemon-config';
import { MediaTypes } from '../../src/config/oci-image';
import { isForgeError } from '../../src/errors';
import { sha256, type Digest } from '../../src/util/digest';
import { parseReference, type ImageReference } from '../../src/registry/reference';
import { RegistryClient } from '../../src/registry/distribution/client';
import type { CredentialLookup } from '../../src/registry/types';
import { freePort, startRegistry, type TestRegistry } from '../fixtures/registry';
import { inspectRemote } from '../fixtures/push';

const BASE = { 'registry-retries': 2, 'registry-retry-delay-ms': 20, 'registry-timeout-seconds': 10, 'push-chunk-size': 1024 };

function blob(data: Buffer) {
  return { descriptor: { digest: sha256(data), size: data.length }, open: () => Readable.from([data]) };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Pushes a one-layer image (layer bigger than the chunk size, so it goes in PATCHes). */
async function pushImage(client: RegistryClient, ref: ImageReference & { tag: string }) {
  const layer = randomBytes(5000);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layer)] } }));
  let progress = 0;
  await client.uploadBlob(ref, blob(layer), (n) => (progress = n));
  assert.equal(progress, layer.length);
  await client.uploadBlob(ref, blob(config));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, digest: sha256(config), size: config.length },
    layers: [{ mediaType: MediaTypes.ociLayerGzip, digest: sha256(layer), size: layer.length }],
  }));
  const digest = await client.putManifest(ref, ref.tag, MediaTypes.ociManifest, manifest);
  assert.equal(digest, sha256(manifest));
  return { layer, config, manifest, digest };
}

describe('plain HTTP registry on loopback', () => {
  let reg: TestRegistry;
  let client: RegistryClient;
  before(async () => {
    reg = await startRegistry();
    client = new RegistryClient({ config: parseDaemonConfig(BASE) });
  });
  after(async () => {
    await client?.close();
    await reg?.stop();
  });

  test('push (chunked and monolithic), pull back, skopeo agrees', async () => {
    const ref = parseReference(`${reg.host}/forge/app:v1`) as ImageReference & { tag: string };
    const pushed = await pushImage(client, ref);

    const byTag = await client.getManifest(ref);
    assert.deepEqual(byTag.descriptor, { mediaType: MediaTypes.ociManifest, digest: pushed.digest, size: pushed.manifest.length });
    assert.deepEqual(byTag.bytes, pushed.manifest);
    assert.equal(byTag.endpoint.host, reg.host);
    const byDigest = await client.getManifest(ref, pushed.digest, byTag.endpoint);
    assert.equal(byDigest.descriptor.digest, pushed.digest);

    const layerDesc = { mediaType: MediaTypes.ociLayerGzip, digest: sha256(pushed.layer), size: pushed.layer.length };
    assert.deepEqual(await readAll(await client.getBlob(ref, layerDesc)), pushed.layer);
    assert.equal(await client.hasBlob(ref, sha256(pushed.config)), true);
    assert.equal(await client.hasBlob(ref, sha256('absent')), false);

    const inspected = (await inspectRemote(`${reg.host}/forge/app:v1`)) as { Digest: string; Layers: string[] };
    assert.equal(inspected.Digest, pushed.digest);
    assert.deepEqual(inspected.Layers, [sha256(pushed.layer)]);
  });

  test('cross-repository mount: true when present, false otherwise', async () => {
    const src = parseReference(`${reg.host}/forge/src:v1`) as ImageReference & { tag: string };
    const data = randomBytes(300);
    await client.uploadBlob(src, blob(data));
    const dst = parseReference(`${reg.host}/forge/dst:v1`);
    assert.equal(await client.mountBlob(dst, sha256(data), 'forge/src'), true);
    assert.equal(await client.hasBlob(dst, sha256(data)), true);
    assert.equal(await client.mountBlob(dst, sha256('never pushed'), `${reg.host}/forge/src`), false);
    assert.equal(await client.mountBlob(dst, sha256(data), 'other.example/forge/src'), false);
  });

  test('unknown manifest and blob are NotFound; wrong digest is refused', async () => {
    const ref = parseReference(`${reg.host}/forge/app:nope`);
    await assert.rejects(client.getManifest(ref), (e) => isForgeError(e, 'NotFound') && e.message === `manifest unknown: ${reg.host}/forge/app:nope`);
    const missing = { mediaType: MediaTypes.ociLayerGzip, digest: sha256('x'), size: 1 };
    await assert.rejects(client.getBlob(ref, missing), (e) => isForgeError(e, 'NotFound'));
    await assert.rejects(client.getManifest(parseReference(`${reg.host}/never/pushed:v1`)), (e) => isForgeError(e, 'NotFound'));
    const bad = { descriptor: { digest: sha256('not this') as Digest, size: 4 }, open: () => Readable.from([Buffer.from('data')]) };
    await assert.rejects(client.uploadBlob(parseReference(`${reg.host}/forge/app:v1`), bad), (e) => isForgeError(e, 'InvalidArgument'));
  });

  test('a dead mirror falls through to the registry; a live mirror serves', async () => {
    const ref = parseReference(`${reg.host}/forge/mirrored:v1`) as ImageReference & { tag: string };
    const pushed = await pushImage(client, ref);
    const dead = `127.0.0.1:${await freePort()}`;
    const viaDead = new RegistryClient({ config: parseDaemonConfig({ ...BASE, mirrors: { [reg.host]: [dead] } }) });
    try {
      const got = await viaDead.getManifest(ref);
      assert.equal(got.descriptor.digest, pushed.digest);
      assert.equal(got.endpoint.host, reg.host);
      assert.equal(got.endpoint.mirror, false);
    } finally {
      await viaDead.close();
    }
    // The registry itself as the mirror of a name that does not exist: served by the mirror.
    const viaLive = new RegistryClient({ config: parseDaemonConfig({ ...BASE, mirrors: { 'upstream.invalid': [reg.host] } }) });
    try {
      const got = await viaLive.getManifest(parseReference('upstream.invalid/forge/mirrored:v1'));
      assert.equal(got.descriptor.digest, pushed.digest);
      assert.equal(got.endpoint.mirror, true);
      const layerDesc = { mediaType: MediaTypes.ociLayerGzip, digest: sha256(pushed.layer), size: pushed.layer.length };
      assert.deepEqual(await readAll(await viaLive.getBlob(parseReference('upstream.invalid/forge/mirrored:v1'), layerDesc, got.endpoint)), pushed.layer);
    } finally {
      await viaLive.close();
    }
  });

  test('a registry that is down is Unavailable naming it', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    await assert.rejects(client.getManifest(parseReference(`${dead}/x:y`)), (e) => isForgeError(e, 'Unavailable') && e.message.startsWith(`cannot reach registry ${dead}`));
  });
});

describe('htpasswd auth', () => {
  const user = { username: 'forge', password: 's3cret!' };
  let reg: TestRegistry;
  let client: RegistryClient;
  before(async () => {
    reg = await startRegistry({ htpasswd: user });
    client = new RegistryClient({ config: parseDaemonConfig(BASE) });
  });
  after(async () => {
    await client?.close();
    await reg?.stop();
  });

  const only = (host: string, creds: { username: string; password: string }): CredentialLookup => (h) => (h === host ? creds : undefined);

  test('anonymous is Unauthorized with a login hint; credentials per request work', async () => {
    const ref = parseReference(`${reg.host}/private/app:v1`) as ImageReference & { tag: string };
    await assert.rejects(client.getManifest(ref), (e) => isForgeError(e, 'Unauthorized') && e.hint === `forgeone login ${reg.host}`);
    const authed = client.forRequest({ credentials: only(reg.host, user) });
    const pushed = await pushImage(authed, ref);
    assert.equal((await authed.getManifest(ref)).descriptor.digest, pushed.digest);
    // Another view with a wrong password does not ride on the first view's success.
    const wrong = client.forRequest({ credentials: only(reg.host, { ...user, password: 'nope' }) });
    await assert.rejects(wrong.getManifest(ref), (e) => isForgeError(e, 'Unauthorized'));
    await assert.rejects(client.getManifest(ref), (e) => isForgeError(e, 'Unauthorized'));
    const inspected = (await inspectRemote(`${reg.host}/private/app:v1`, { creds: user })) as { Digest: string };
    assert.equal(inspected.Digest, pushed.digest);
  });

  test('checkAuth accepts the right password and refuses a wrong one', async () => {
    await client.forRequest({ credentials: only(reg.host, user) }).checkAuth(reg.host);
    await assert.rejects(client.forRequest({ credentials: only(reg.host, { ...user, password: 'bad' }) }).checkAuth(reg.host), (e) => isForgeError(e, 'Unauthorized'));
    await assert.rejects(client.checkAuth(reg.host), (e) => isForgeError(e, 'InvalidArgument'));
  });
});

describe('TLS with a private CA', () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry({ tls: true });
  });
  after(async () => {
    await reg?.stop();
  });

  test('verified with registries[host].ca; refused without it when not insecure', async () => {
    const ref = parseReference(`${reg.host}/tls/app:v1`) as ImageReference & { tag: string };
    const verified = new RegistryClient({ config: parseDaemonConfig({ ...BASE, registries: { [reg.host]: { ca: reg.caFile!, insecure: false } } }) });
    const strict = new RegistryClient({ config: parseDaemonConfig({ ...BASE, registries: { [reg.host]: { insecure: false } } }) });
    const loopback = new RegistryClient({ config: parseDaemonConfig(BASE) });
    try {
      const pushed = await pushImage(verified, ref);
      assert.equal((await verified.getManifest(ref)).descriptor.digest, pushed.digest);
      await assert.rejects(strict.getManifest(ref), (e) => isForgeError(e, 'Unavailable') && /ca\.crt/.test(e.hint ?? ''));
      // Loopback is insecure by default (as in Docker): TLS is used but not verified.
      assert.equal((await loopback.getManifest(ref)).descriptor.digest, pushed.digest);
      const inspected = (await inspectRemote(`${reg.host}/tls/app:v1`, { caFile: reg.caFile! })) as { Digest: string };
      assert.equal(inspected.Digest, pushed.digest);
    } finally {
      await Promise.all([verified.close(), strict.close(), loopback.close()]);
    }
  });
});
