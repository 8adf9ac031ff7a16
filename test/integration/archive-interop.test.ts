/**
 * Image archives against an independent implementation (skopeo): what `forgeone save` writes,
 * skopeo reads as docker-archive: and oci-archive: (and umoci unpacks); what skopeo writes,
 * `forgeone load` imports with the same config and layers.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { MediaTypes } from '../../src/config/oci-image';
import { exportDockerArchive } from '../../src/registry/archive/docker-archive';
import { importArchive } from '../../src/registry/archive/import';
import { exportOciArchive } from '../../src/registry/archive/oci-archive';
import type { ArchiveImage } from '../../src/registry/archive/types';
import { OciLayoutStore } from '../../src/registry/content/oci-layout-store';
import { buildBusyboxImage, type BuiltImage } from '../fixtures/images';
import { TempDirs } from '../fixtures/tmp';

const run = promisify(execFile);
const skopeo = async (...args: string[]): Promise<string> =>
  (await run('skopeo', ['--insecure-policy', ...args], { maxBuffer: 16 * 1024 * 1024 })).stdout;

interface Inspect {
  Digest: string;
  Name?: string;
  Architecture: string;
  Layers: string[];
}

describe('image archives interoperate with skopeo', () => {
  const tmp = new TempDirs();
  let dir: string;
  let busybox: BuiltImage;
  let store: OciLayoutStore;
  let image: ArchiveImage;

  before(async () => {
    dir = await tmp.make('archive-interop-');
    // The fixture's layout is the store: the image is "in forgeone" without a pull.
    busybox = await buildBusyboxImage(join(dir, 'content'));
    store = new OciLayoutStore({ root: join(dir, 'content') });
    await store.init();
    const size = (await store.stat(busybox.manifestDigest as never))!.size;
    image = {
      names: ['docker.io/library/busybox:latest', 'localhost:5000/team/box:v1'],
      manifest: { mediaType: MediaTypes.ociManifest, digest: busybox.manifestDigest, size },
    };
  });
  after(() => tmp.cleanup());

  async function fresh(name: string): Promise<OciLayoutStore> {
    const s = new OciLayoutStore({ root: join(dir, name, 'content') });
    await mkdir(join(dir, name), { recursive: true });
    await s.init();
    return s;
  }

  it('skopeo reads our docker-archive and copies it to an OCI layout', async () => {
    const file = join(dir, 'x.tar');
    await exportDockerArchive(store, [image], createWriteStream(file));
    const first = JSON.parse(await skopeo('inspect', `docker-archive:${file}`)) as Inspect;
    assert.equal(first.Architecture, 'amd64');
    assert.deepEqual(first.Layers, busybox.diffIds, 'skopeo reports the uncompressed layers');
    const named = JSON.parse(await skopeo('inspect', `docker-archive:${file}:localhost:5000/team/box:v1`)) as Inspect;
    assert.equal(named.Name, 'localhost:5000/team/box');
    await skopeo('copy', '--quiet', `docker-archive:${file}`, `oci:${join(dir, 'from-docker')}:t`);
    const copied = JSON.parse(await skopeo('inspect', `oci:${join(dir, 'from-docker')}:t`)) as Inspect;
    assert.equal(copied.Layers.length, 1);
  });

  it('skopeo reads our oci-archive by tag with the manifest digest unchanged; umoci unpacks it', async () => {
    const file = join(dir, 'y.tar');
    await exportOciArchive(store, [image], createWriteStream(file));
    for (const tag of ['latest', 'v1']) {
      const info = JSON.parse(await skopeo('inspect', `oci-archive:${file}:${tag}`)) as Inspect;
      assert.equal(info.Digest, busybox.manifestDigest);
      assert.deepEqual(info.Layers, busybox.layerDigests);
    }
    const layout = join(dir, 'unpacked-layout');
    await mkdir(layout);
    await run('tar', ['-xf', file, '-C', layout]);
    await run('umoci', ['unpack', '--image', `${layout}:latest`, join(dir, 'bundle')]);
    await run('test', ['-x', join(dir, 'bundle', 'rootfs', 'bin', 'busybox')]);
  });

  it("imports skopeo's docker-archive (symlinked legacy layers), building an OCI manifest", async () => {
    const file = join(dir, 'z.tar');
    await skopeo('copy', '--quiet', `oci:${busybox.layoutDir}:${busybox.tag}`, `docker-archive:${file}:busybox:latest`);
    const target = await fresh('load-z');
    const result = await importArchive(target, createReadStream(file));
    try {
      assert.equal(result.images.length, 1);
      const [loaded] = result.images;
      assert.deepEqual(loaded!.names, ['docker.io/library/busybox:latest']);
      assert.equal(loaded!.config, busybox.configDigest);
      assert.deepEqual(loaded!.layers.map((l) => [l.mediaType, l.digest]), [[MediaTypes.ociLayer, busybox.diffIds[0]]]);
      assert.equal((await target.list()).length, 3, 'manifest, config, layer; nothing else kept');
    } finally {
      result.release();
    }
  });

  it("imports skopeo's oci-archive with the manifest digest unchanged", async () => {
    const file = join(dir, 'w.tar');
    await skopeo('copy', '--quiet', `oci:${busybox.layoutDir}:${busybox.tag}`, `oci-archive:${file}:latest`);
    const result = await importArchive(await fresh('load-w'), createReadStream(file), { defaultName: 'busybox' });
    try {
      assert.deepEqual(
        result.images.map((i) => [i.names, i.manifest.digest, i.config]),
        [[['docker.io/library/busybox:latest'], busybox.manifestDigest, busybox.configDigest]],
      );
    } finally {
      result.release();
    }
  });
});
