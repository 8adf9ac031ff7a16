/**
 * How ForgeOne reaches registries, end to end with the real CLI and daemon against real
 * docker-registry processes: TLS with a private CA, htpasswd auth and login, docker.io mirrors,
 * multi-platform indexes, and pushes (cross-repository mount, chunked upload).
 *
 * What endpoints.ts does with TLS on 127.0.0.1 (found while writing this file): a loopback
 * registry is insecure by default, like Docker's, so HTTPS is tried but the certificate is NOT
 * verified, and a pull from a TLS registry with an unknown CA succeeds. `registries[host].insecure:
 * false` overrides that rule; then the certificate is verified against the system roots plus
 * `registries[host].ca` or `<certs-dir>/<host>/*.crt`, and an unknown CA is a fatal TLS error.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startRegistry, type Credentials, type TestRegistry } from '../fixtures/registry';
import { buildBusyboxImage, buildMultiPlatformIndex, buildRandomImage, type BuiltImage } from '../fixtures/images';
import { inspectRemote, pushLayout } from '../fixtures/push';
import { startProxy, type TestProxy } from '../fixtures/proxy';
import { TestDaemon, type CliResult } from '../fixtures/daemon';
import { TempDirs } from '../fixtures/tmp';
import { isForgeError, type ErrorCode } from '../../src/errors';

const hex = (d: string) => d.replace('sha256:', '');
const CHUNK = 65_536;

interface Inspect {
  Id: string;
  Architecture: string;
  Variant?: string;
  RepoDigests: string[];
  Descriptor: { digest: string };
}
interface Remote {
  Digest: string;
  Layers: string[];
}

async function ok(daemon: TestDaemon, args: string[], input?: string): Promise<CliResult> {
  const r = await daemon.cli(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `forgeone ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r;
}

async function fails(daemon: TestDaemon, args: string[], input?: string): Promise<CliResult> {
  const r = await daemon.cli(args, input === undefined ? {} : { input });
  assert.equal(r.code, 1, `forgeone ${args.join(' ')} should exit 1, got ${r.code}: ${r.stdout}${r.stderr}`);
  return r;
}

async function inspect(daemon: TestDaemon, name: string): Promise<Inspect> {
  return (JSON.parse((await ok(daemon, ['image', 'inspect', name])).stdout) as Inspect[])[0]!;
}

/** The code of the error a pull ends with, read from the API stream's final errorDetail. */
async function pullErrorCode(daemon: TestDaemon, reference: string, platform?: string): Promise<ErrorCode> {
  try {
    for await (const event of daemon.client.progress('POST', '/v1/images/pull', { query: { reference, platform } })) void event;
  } catch (err) {
    assert.ok(isForgeError(err), `not a ForgeError: ${String(err)}`);
    return err.code;
  }
  return assert.fail(`pull of ${reference} should have failed`);
}

describe('registry modes', () => {
  const tmp = new TempDirs();
  const registries: TestRegistry[] = [];
  const daemons: TestDaemon[] = [];
  const pids: number[] = [];
  let busybox: BuiltImage;

  const registry = async (opts: Parameters<typeof startRegistry>[0] = {}) => {
    const r = await startRegistry(opts);
    registries.push(r);
    pids.push(r.pid);
    return r;
  };
  const daemon = async (config: Record<string, unknown>) => {
    const d = await TestDaemon.start({ config: { 'certs-dir': await tmp.make('certs-empty-'), ...config } });
    daemons.push(d);
    pids.push(d.pid!);
    return d;
  };

  before(async () => {
    busybox = await buildBusyboxImage(await tmp.make('bb-'));
  });
  after(async () => {
    await Promise.all(daemons.map((d) => d.destroy()));
    await Promise.all(registries.map((r) => r.stop()));
    await tmp.cleanup();
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), `process ${pid} is still running`);
  });

  describe('TLS registry with a private CA', () => {
    let tls: TestRegistry;
    let ref: string;
    before(async () => {
      tls = await registry({ tls: true });
      await pushLayout(busybox.layoutDir, busybox.tag, tls.host, 'library/busybox:latest', { caFile: tls.caFile! });
      ref = `${tls.host}/library/busybox:latest`;
    });

    it('loopback is insecure by default: HTTPS without verification, so the pull succeeds', async () => {
      const d = await daemon({});
      await ok(d, ['pull', ref]);
      assert.equal((await inspect(d, ref)).Descriptor.digest, busybox.manifestDigest);
    });

    it('with insecure: false and no CA the pull fails with a TLS error and a hint', async () => {
      const d = await daemon({ registries: { [tls.host]: { insecure: false } } });
      const r = await fails(d, ['pull', ref]);
      assert.match(r.stderr, new RegExp(`cannot reach registry ${tls.host}: .*(certificate|issuer)`, 'i'));
      assert.match(r.stderr, /Hint: .*certs-dir/);
      assert.equal(await pullErrorCode(d, ref), 'Unavailable');
      assert.equal((await ok(d, ['images', '-q'])).stdout, '');
    });

    it('trusts the CA given as registries[host].ca and pulls over verified HTTPS', async () => {
      const d = await daemon({ registries: { [tls.host]: { insecure: false, ca: tls.caFile } } });
      await ok(d, ['pull', ref]);
      assert.equal((await inspect(d, ref)).Descriptor.digest, busybox.manifestDigest);
    });

    it('trusts <certs-dir>/<host>/ca.crt (Docker certs.d layout)', async () => {
      const certsDir = await tmp.make('certs-');
      await mkdir(join(certsDir, tls.host));
      await copyFile(tls.caFile!, join(certsDir, tls.host, 'ca.crt'));
      const d = await daemon({ registries: { [tls.host]: { insecure: false } }, 'certs-dir': certsDir });
      await ok(d, ['pull', ref]);
      assert.equal((await inspect(d, ref)).Descriptor.digest, busybox.manifestDigest);
    });
  });

  describe('htpasswd registry: login, pull, push, logout', () => {
    const creds: Credentials = { username: 'forge', password: 's3cret-Pa55' };
    let auth: TestRegistry;
    let d: TestDaemon;
    let ref: string;
    let credsFile: string;
    before(async () => {
      auth = await registry({ htpasswd: creds });
      await pushLayout(busybox.layoutDir, busybox.tag, auth.host, 'library/busybox:latest', { creds });
      ref = `${auth.host}/library/busybox:latest`;
      d = await daemon({});
      credsFile = join(d.dir, 'client', 'config.json');
    });

    it('an anonymous pull is Unauthorized and hints at login', async () => {
      const r = await fails(d, ['pull', ref]);
      assert.match(r.stderr, new RegExp(`unauthorized: ${auth.host} requires authentication`));
      assert.match(r.stderr, new RegExp(`Hint: forgeone login ${auth.host}`));
      assert.equal(await pullErrorCode(d, ref), 'Unauthorized');
    });

    it('a wrong password fails the login and stores nothing', async () => {
      const r = await fails(d, ['login', auth.host, '-u', creds.username, '--password-stdin'], 'not-the-password\n');
      assert.match(r.stderr, new RegExp(`login to ${auth.host} failed: incorrect username or password`));
      assert.equal(existsSync(credsFile), false);
    });

    it('login stores the credentials with mode 0600, then pull and push work', async () => {
      const r = await ok(d, ['login', auth.host, '-u', creds.username, '--password-stdin'], `${creds.password}\n`);
      assert.match(r.stdout, /Login Succeeded/);
      assert.equal((await stat(credsFile)).mode & 0o777, 0o600);
      const file = JSON.parse(await readFile(credsFile, 'utf8')) as { auths: Record<string, { auth: string }> };
      assert.equal(Buffer.from(file.auths[auth.host]!.auth, 'base64').toString(), `${creds.username}:${creds.password}`);

      await ok(d, ['pull', ref]);
      const target = `${auth.host}/pushed/busybox:v1`;
      await ok(d, ['tag', ref, target]);
      await ok(d, ['push', target]);
      const remote = (await inspectRemote(target, { creds })) as Remote;
      assert.equal(remote.Digest, busybox.manifestDigest);
    });

    it('logout removes the credentials; the registry refuses again', async () => {
      const r = await ok(d, ['logout', auth.host]);
      assert.match(r.stdout, new RegExp(`Removing login credentials for ${auth.host}`));
      const file = JSON.parse(await readFile(credsFile, 'utf8')) as { auths?: Record<string, unknown> };
      assert.equal(file.auths?.[auth.host], undefined);
      assert.match((await fails(d, ['pull', ref])).stderr, /unauthorized/);
    });
  });

  describe('plain registry: mirror, multi-platform index, push', () => {
    let plain: TestRegistry;
    let proxy: TestProxy;
    let multi: BuiltImage;
    let big: BuiltImage;
    let d: TestDaemon;
    before(async () => {
      plain = await registry();
      proxy = await startProxy(plain.host);
      multi = await buildMultiPlatformIndex(await tmp.make('multi-'));
      big = await buildRandomImage(await tmp.make('big-'), { size: 1536 * 1024 });
      await pushLayout(busybox.layoutDir, busybox.tag, plain.host, 'library/busybox:latest');
      await pushLayout(multi.layoutDir, multi.tag, plain.host, 'multi/app:latest', { all: true });
      await pushLayout(big.layoutDir, big.tag, plain.host, 'big/src:1');
      // One daemon for the whole group: the mirror only concerns docker.io, the chunk size only uploads.
      d = await daemon({ 'registry-mirrors': [`http://${plain.host}`], 'registry-retries': 1, 'push-chunk-size': CHUNK });
    });
    after(() => proxy?.stop());

    it('pulls busybox:latest (docker.io) from the mirror, with no internet', async () => {
      const r = await ok(d, ['pull', 'busybox:latest']);
      assert.match(r.stdout, new RegExp(`Digest: ${busybox.manifestDigest}`));
      const image = await inspect(d, 'busybox');
      assert.equal(image.Descriptor.digest, busybox.manifestDigest);
      assert.deepEqual(image.RepoDigests, [`busybox@${busybox.manifestDigest}`]);
      const names = (await ok(d, ['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.trim().split('\n');
      assert.ok(names.includes('busybox:latest'), names.join(','));
    });

    it('an index pulls the amd64 manifest by default', async () => {
      const ref = `${plain.host}/multi/app:latest`;
      await ok(d, ['pull', ref]);
      const image = await inspect(d, ref);
      assert.equal(image.Architecture, 'amd64');
      assert.equal(image.Descriptor.digest, multi.platforms![0]!.manifestDigest);
      // The fixture's amd64 manifest is the busybox one, already pulled from the mirror: same image.
      assert.ok(image.RepoDigests.includes(`${plain.host}/multi/app@${multi.indexDigest}`), image.RepoDigests.join(','));
    });

    it('--platform linux/arm64/v8 pulls the arm64 manifest', async () => {
      const ref = `${plain.host}/multi/app:latest`;
      await ok(d, ['pull', '--platform', 'linux/arm64/v8', ref]);
      const image = await inspect(d, ref);
      assert.equal(image.Architecture, 'arm64');
      assert.equal(image.Variant, 'v8');
      assert.equal(image.Descriptor.digest, multi.platforms![1]!.manifestDigest);
    });

    it('--platform linux/s390x is NotFound, listing the platforms the index has', async () => {
      const ref = `${plain.host}/multi/app:latest`;
      const r = await fails(d, ['pull', '--platform', 'linux/s390x', ref]);
      assert.match(r.stderr, /no matching manifest for linux\/s390x/);
      assert.match(r.stderr, /linux\/amd64, linux\/arm64\/v8/);
      assert.equal(await pullErrorCode(d, ref, 'linux/s390x'), 'NotFound');
    });

    it('push to another repository mounts the layer instead of uploading it', async () => {
      const source = `${proxy.host}/library/busybox:latest`;
      const target = `${proxy.host}/copies/busybox:1`;
      await ok(d, ['pull', source]);
      await ok(d, ['tag', source, target]);
      const seen = proxy.requests.length;
      const r = await ok(d, ['push', target]);
      assert.match(r.stdout, /Mounted from library\/busybox/);
      const layer = hex(busybox.layerDigests[0]!);
      const pushRequests = proxy.requests.slice(seen);
      const mounts = pushRequests.filter((q) => q.method === 'POST' && q.path.includes(`mount=sha256%3A${layer}`));
      assert.equal(mounts.length, 1, JSON.stringify(pushRequests));
      assert.equal(pushRequests.filter((q) => q.method === 'PATCH' || (q.method === 'PUT' && q.path.includes(layer))).length, 0);
      const remote = (await inspectRemote(`${plain.host}/copies/busybox:1`)) as Remote;
      assert.equal(remote.Digest, busybox.manifestDigest);
      assert.deepEqual(remote.Layers, busybox.layerDigests);
    });

    it('a blob larger than push-chunk-size is uploaded in chunks and accepted', async () => {
      const source = `${plain.host}/big/src:1`;
      const target = `${proxy.host}/big/dst:1`; // another registry name: nothing to mount from
      await ok(d, ['pull', source]);
      await ok(d, ['tag', source, target]);
      const seen = proxy.requests.length;
      const r = await ok(d, ['push', target]);
      assert.match(r.stdout, new RegExp(`1: digest: ${big.manifestDigest}`));
      const patches = proxy.requests.slice(seen).filter((q) => q.method === 'PATCH' && q.path.startsWith('/v2/big/dst/blobs/uploads/'));
      assert.ok(patches.length >= Math.ceil((1536 * 1024) / CHUNK), `only ${patches.length} PATCH requests`);
      const remote = (await inspectRemote(`${plain.host}/big/dst:1`)) as Remote;
      assert.equal(remote.Digest, big.manifestDigest);
      assert.deepEqual(remote.Layers, big.layerDigests);
    });
  });
});
