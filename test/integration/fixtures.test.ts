/**
 * The test fixtures themselves: images built offline are valid OCI layouts that independent tools
 * (skopeo, umoci) accept and that run; the real registry starts in each mode, takes pushes with
 * digests unchanged, and leaves nothing behind when stopped.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, readFile, readlink, stat } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import {
  buildBusyboxImage,
  buildMultiLayerImage,
  buildMultiPlatformIndex,
  type BuiltImage,
  type MultiLayerImage,
} from '../fixtures/images';
import { inspectLayout, inspectRemote, pushLayout } from '../fixtures/push';
import { startRegistry, type RegistryOptions, type TestRegistry } from '../fixtures/registry';
import { TempDirs } from '../fixtures/tmp';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function blobPath(layoutDir: string, digest: string): string {
  return join(layoutDir, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));
}

interface InspectOutput {
  Digest: string;
  Architecture: string;
  Os: string;
  Layers: string[];
}

describe('image fixtures', () => {
  const tmp = new TempDirs();
  let busybox: BuiltImage;
  let multiLayer: MultiLayerImage;
  let multiPlatform: BuiltImage;

  before(async () => {
    busybox = await buildBusyboxImage(join(await tmp.make('fx-busybox-'), 'layout'));
    multiLayer = await buildMultiLayerImage(join(await tmp.make('fx-multilayer-'), 'layout'));
    multiPlatform = await buildMultiPlatformIndex(join(await tmp.make('fx-multiplatform-'), 'layout'), { tag: 'v1' });
  });
  after(() => tmp.cleanup());

  it('builds the busybox image reproducibly', async () => {
    const again = await buildBusyboxImage(await tmp.make('fx-busybox-again-'));
    assert.equal(again.manifestDigest, busybox.manifestDigest);
    assert.deepEqual(again.layerDigests, busybox.layerDigests);
  });

  it('writes a busybox layout skopeo reads, with diff_ids of the uncompressed layers', async () => {
    const info = (await inspectLayout(busybox.layoutDir, busybox.tag)) as InspectOutput;
    assert.equal(info.Digest, busybox.manifestDigest);
    assert.equal(info.Architecture, 'amd64');
    assert.deepEqual(info.Layers, busybox.layerDigests);

    const config = JSON.parse(await readFile(blobPath(busybox.layoutDir, busybox.configDigest), 'utf8')) as {
      config: { Cmd: string[] };
      rootfs: { diff_ids: string[] };
    };
    assert.deepEqual(config.config.Cmd, ['sh']);
    const layer = await readFile(blobPath(busybox.layoutDir, busybox.layerDigests[0]!));
    assert.equal(sha256(layer), busybox.layerDigests[0]);
    assert.deepEqual(config.rootfs.diff_ids, [sha256(gunzipSync(layer))]);

    const index = JSON.parse(await readFile(join(busybox.layoutDir, 'index.json'), 'utf8')) as {
      manifests: Array<{ digest: string; annotations: Record<string, string> }>;
    };
    assert.equal(index.manifests[0]?.digest, busybox.manifestDigest);
    assert.equal(index.manifests[0]?.annotations['org.opencontainers.image.ref.name'], 'latest');
  });

  it('gives a busybox layer that runs in a chroot', { skip: !isRoot && 'needs root' }, async () => {
    const rootfs = await tmp.make('fx-rootfs-');
    await run('tar', ['-xzf', blobPath(busybox.layoutDir, busybox.layerDigests[0]!), '-C', rootfs]);
    const { stdout } = await run('chroot', [rootfs, '/bin/sh', '-c', 'echo hi; ls /bin/ls; cat /etc/group']);
    assert.match(stdout, /^hi\n\/bin\/ls\nroot:x:0:\n/);
    assert.equal((await stat(join(rootfs, 'tmp'))).mode & 0o7777, 0o1777);
  });

  it('builds a multi-layer image whose whiteouts and links umoci applies', { skip: !isRoot && 'needs root' }, async () => {
    const info = (await inspectLayout(multiLayer.layoutDir, multiLayer.tag)) as InspectOutput;
    assert.equal(info.Digest, multiLayer.manifestDigest);
    assert.equal(info.Layers.length, 3);

    const { stdout: listing } = await run('tar', ['-tzf', blobPath(multiLayer.layoutDir, multiLayer.layerDigests[1]!)]);
    assert.match(listing, /^data\/\.wh\.remove-me\.txt$/m);
    assert.match(listing, /^opaque\/\.wh\.\.wh\.\.opq$/m);

    const bundle = join(await tmp.make('fx-bundle-'), 'bundle');
    await run('umoci', ['unpack', '--image', `${multiLayer.layoutDir}:${multiLayer.tag}`, bundle]);
    const rootfs = join(bundle, 'rootfs');
    for (const [path, content] of Object.entries(multiLayer.expectedFiles)) {
      if (content === null) assert.equal(existsSync(join(rootfs, path)), false, `${path} must be absent`);
      else assert.equal(await readFile(join(rootfs, path), 'utf8'), content, path);
    }
    for (const [path, target] of Object.entries(multiLayer.expectedSymlinks)) {
      assert.equal(await readlink(join(rootfs, path)), target);
    }
    for (const [a, b] of multiLayer.expectedHardlinks) {
      assert.equal((await lstat(join(rootfs, a))).ino, (await lstat(join(rootfs, b))).ino);
    }
  });

  it('builds a two-platform index', async () => {
    const raw = await readFile(blobPath(multiPlatform.layoutDir, multiPlatform.indexDigest!));
    assert.equal(sha256(raw), multiPlatform.indexDigest);
    const index = JSON.parse(raw.toString()) as {
      manifests: Array<{ digest: string; platform: { architecture: string; variant?: string } }>;
    };
    assert.deepEqual(
      index.manifests.map((m) => [m.digest, m.platform.architecture, m.platform.variant]),
      multiPlatform.platforms!.map((p) => [p.manifestDigest, p.platform.architecture, p.platform.variant]),
    );
    assert.deepEqual(index.manifests.map((m) => m.platform.architecture), ['amd64', 'arm64']);
    const rawFromSkopeo = await inspectLayout(multiPlatform.layoutDir, 'v1', { raw: true });
    assert.deepEqual(rawFromSkopeo, JSON.parse(raw.toString()));
  });
});

const MODES: Array<[string, RegistryOptions]> = [
  ['plain HTTP', {}],
  ['TLS', { tls: true }],
  ['htpasswd', { htpasswd: { username: 'forge', password: 's3cret:pw' } }],
];

for (const [mode, options] of MODES) {
  describe(`test registry (${mode})`, () => {
    const tmp = new TempDirs();
    let busybox: BuiltImage;
    let multiPlatform: BuiltImage;
    let registry: TestRegistry | undefined;
    const remote = (): { caFile?: string; creds?: { username: string; password: string } } => ({
      ...(registry?.caFile ? { caFile: registry.caFile } : {}),
      ...(options.htpasswd ? { creds: options.htpasswd } : {}),
    });

    before(async () => {
      busybox = await buildBusyboxImage(await tmp.make('fx-reg-busybox-'));
      multiPlatform = await buildMultiPlatformIndex(await tmp.make('fx-reg-multi-'));
      registry = await startRegistry(options);
    });
    after(async () => {
      await registry?.stop();
      await tmp.cleanup();
    });

    it('answers on 127.0.0.1 with the expected scheme', async () => {
      assert.match(registry!.host, /^127\.0\.0\.1:\d+$/);
      assert.equal(registry!.url, `${options.tls ? 'https' : 'http'}://${registry!.host}`);
      assert.equal(registry!.caFile !== undefined, options.tls === true);
    });

    if (options.tls) {
      it('serves a certificate only its CA validates', async () => {
        const ca = await readFile(registry!.caFile!);
        assert.equal(await httpsStatus(`${registry!.url}/v2/`, ca), 200);
        await assert.rejects(httpsStatus(`${registry!.url}/v2/`, undefined), /self[- ]signed|unable to verify|certificate/i);
      });
    }

    it('takes a push of the busybox image with its digests unchanged', async () => {
      const r = registry!;
      await pushLayout(busybox.layoutDir, busybox.tag, r.host, 'fixtures/busybox:latest', remote());
      const info = (await inspectRemote(`${r.host}/fixtures/busybox:latest`, remote())) as InspectOutput;
      assert.equal(info.Digest, busybox.manifestDigest);
      assert.deepEqual(info.Layers, busybox.layerDigests);
      const manifest = await readFile(blobPath(busybox.layoutDir, busybox.manifestDigest));
      const rawRemote = await inspectRemote(`${r.host}/fixtures/busybox:latest`, { ...remote(), raw: true });
      assert.deepEqual(rawRemote, JSON.parse(manifest.toString()));
    });

    it('takes a push of every platform of an index', async () => {
      const r = registry!;
      await pushLayout(multiPlatform.layoutDir, multiPlatform.tag, r.host, 'fixtures/multi:latest', {
        ...remote(),
        all: true,
      });
      const raw = (await inspectRemote(`${r.host}/fixtures/multi:latest`, { ...remote(), raw: true })) as {
        manifests: Array<{ digest: string }>;
      };
      assert.deepEqual(raw.manifests.map((m) => m.digest), multiPlatform.platforms!.map((p) => p.manifestDigest));
      const arm = multiPlatform.platforms![1]!;
      const armInfo = (await inspectRemote(`${r.host}/fixtures/multi@${arm.manifestDigest}`, remote())) as InspectOutput;
      assert.equal(armInfo.Architecture, 'arm64');
      assert.deepEqual(armInfo.Layers, arm.layerDigests);
    });

    if (options.htpasswd) {
      it('refuses anonymous and wrong-password pulls', async () => {
        const r = registry!;
        await assert.rejects(inspectRemote(`${r.host}/fixtures/busybox:latest`), /unauthorized|authentication required/i);
        await assert.rejects(
          inspectRemote(`${r.host}/fixtures/busybox:latest`, { creds: { username: 'forge', password: 'wrong' } }),
          /unauthorized|authentication required|invalid username\/password/i,
        );
      });
    }

    it('leaves no process and no files once stopped', async () => {
      const r = registry!;
      registry = undefined;
      await r.stop();
      assert.equal(existsSync(r.dataDir), false);
      assert.equal(existsSync(join(r.dataDir, '..')), false);
      assert.throws(() => process.kill(r.pid, 0), { code: 'ESRCH' });
    });
  });
}

function httpsStatus(url: string, ca: Buffer | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, ca ? { ca } : {});
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
