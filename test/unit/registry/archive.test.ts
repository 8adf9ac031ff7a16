/**
 * Image archives: export (docker-archive, oci-archive) and import round-trip with digests and
 * names unchanged; classic docker-archives built by hand import with diff_ids checked; hostile,
 * truncated and corrupt archives are refused with InvalidArgument and leave the store as it was.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { MediaTypes, type Descriptor, type ImageManifest } from '../../../src/config/oci-image';
import { exportDockerArchive } from '../../../src/registry/archive/docker-archive';
import { importArchive } from '../../../src/registry/archive/import';
import { exportOciArchive } from '../../../src/registry/archive/oci-archive';
import type { ArchiveImage } from '../../../src/registry/archive/types';
import { OciLayoutStore } from '../../../src/registry/content/oci-layout-store';
import type { ContentStore } from '../../../src/registry/types';
import { makeTempDir, removeDir } from '../../fixtures/tmp';

const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const hex = (d: string): string => d.slice('sha256:'.length);

interface TarEntry { name: string; data?: Buffer | string; type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device'; linkname?: string }

async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    const type = e.type ?? 'file';
    // A fixed mtime: tar-stream's default is now, and two equal layers built across a second
    // boundary would differ (the "shared base layer written once" case then flaked).
    const mtime = new Date(0);
    if (type === 'file') pack.entry({ name: e.name, mtime }, Buffer.from(e.data ?? ''));
    else pack.entry({ name: e.name, type, linkname: e.linkname, devmajor: 1, devminor: 3, mtime });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function newStore(t: TestContext): Promise<ContentStore> {
  const dir = await makeTempDir('forgeone-archive-');
  t.after(() => removeDir(dir));
  const store = new OciLayoutStore({ root: join(dir, 'content') });
  await store.init();
  return store;
}

async function blobsOf(store: ContentStore): Promise<string[]> {
  return (await store.list()).map((b) => b.digest).sort();
}

/** A tiny image: one gzip layer per file given (layers shared by content), an OCI config and manifest. */
async function buildImage(store: ContentStore, files: Record<string, string>): Promise<{ image: ArchiveImage; manifest: ImageManifest }> {
  const layers: Descriptor[] = [];
  const diffIds: string[] = [];
  for (const [name, data] of Object.entries(files)) {
    const raw = await tarOf([{ name, data }]);
    const gz = gzipSync(raw);
    layers.push({ mediaType: MediaTypes.ociLayerGzip, ...(await store.put(gz)) });
    diffIds.push(sha(raw));
  }
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } }));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, ...(await store.put(config)) },
    layers,
  };
  const m = await store.put(Buffer.from(JSON.stringify(manifest)));
  return { image: { names: [], manifest: { mediaType: MediaTypes.ociManifest, ...m } }, manifest };
}

async function collect(write: (out: Writable) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await write(out);
  return Buffer.concat(chunks);
}

async function entriesOf(archive: Buffer): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const extract = tar.extract();
  Readable.from([archive]).pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    out.set(entry.header.name, Buffer.concat(chunks));
  }
  return out;
}

/** Imports `archive` into `store`, expecting InvalidArgument and the store's blobs unchanged. */
async function assertRefused(store: ContentStore, archive: Buffer, code = 'InvalidArgument'): Promise<void> {
  const before = await blobsOf(store);
  await assert.rejects(importArchive(store, Readable.from([archive])), (err: { code?: string; message: string }) => {
    assert.equal(err.code, code, err.message);
    return true;
  });
  assert.deepEqual(await blobsOf(store), before);
  assert.equal(store.leased().size, 0);
}

async function twoImages(t: TestContext) {
  const store = await newStore(t);
  const a = await buildImage(store, { 'etc/base': 'base', 'a.txt': 'a' });
  const b = await buildImage(store, { 'etc/base': 'base', 'b.txt': 'b' });
  a.image.names = ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1.36'];
  b.image.names = ['registry.example.com:5000/team/app:v1'];
  return { store, a, b };
}

for (const [format, exporter] of [['docker-archive', exportDockerArchive], ['oci-archive', exportOciArchive]] as const) {
  test(`${format}: export then import gives the same digests and names`, async (t) => {
    const { store, a, b } = await twoImages(t);
    const archive = await collect((out) => exporter(store, [a.image, b.image], out));
    const entries = await entriesOf(archive);
    const blobNames = [...entries.keys()].filter((n) => n.startsWith('blobs/sha256/') && n.length > 'blobs/sha256/'.length);
    assert.equal(blobNames.length, new Set(blobNames).size, 'each blob once');
    assert.equal(blobNames.length, 7, 'shared base layer written once: 3 layers + 2 configs + 2 manifests');
    const index = JSON.parse(entries.get('index.json')!.toString());
    const refNames = index.manifests.map((m: Descriptor) => m.annotations?.['org.opencontainers.image.ref.name']);
    assert.deepEqual(refNames, ['latest', '1.36', 'v1']);
    if (format === 'docker-archive') {
      const manifestJson = JSON.parse(entries.get('manifest.json')!.toString());
      assert.deepEqual(manifestJson[0].RepoTags, ['busybox:latest', 'busybox:1.36']);
      assert.equal(manifestJson[0].Config, `blobs/sha256/${hex(a.manifest.config.digest)}`);
      assert.deepEqual(manifestJson[1].Layers, b.manifest.layers.map((l) => `blobs/sha256/${hex(l.digest)}`));
      assert.deepEqual(Object.keys(JSON.parse(entries.get('repositories')!.toString())), ['busybox', 'registry.example.com:5000/team/app']);
    } else {
      assert.equal(entries.has('manifest.json'), false);
    }

    for (const input of [archive, gzipSync(archive)]) {
      const fresh = await newStore(t);
      const result = await importArchive(fresh, Readable.from([input]));
      assert.deepEqual(
        result.images.map((i) => ({ names: i.names, manifest: i.manifest.digest, config: i.config, layers: i.layers.map((l) => l.digest) })),
        [a, b].map(({ image, manifest }) => ({
          names: image.names,
          manifest: image.manifest.digest,
          config: manifest.config.digest,
          layers: manifest.layers.map((l) => l.digest),
        })),
      );
      assert.deepEqual(await blobsOf(fresh), await blobsOf(store), 'exactly the images\' blobs are kept');
      assert.ok(fresh.leased().has(a.image.manifest.digest as never), 'kept blobs stay leased until release');
      result.release();
      assert.equal(fresh.leased().size, 0);
    }
  });
}

test('export refuses a manifest missing from the store before writing a byte', async (t) => {
  const store = await newStore(t);
  const missing: ArchiveImage = { names: [], manifest: { mediaType: MediaTypes.ociManifest, digest: sha('nope'), size: 4 } };
  let written = 0;
  const out = new PassThrough().on('data', (c: Buffer) => (written += c.length));
  await assert.rejects(exportDockerArchive(store, [missing], out), { code: 'NotFound' });
  assert.equal(written, 0);
});

/** A classic `docker save` archive: <id>/layer.tar (uncompressed), <config hex>.json, manifest.json. */
async function classicArchive(opts: { wrongDiffId?: boolean; symlinkLayer?: boolean; extra?: TarEntry[]; layerPath?: string } = {}) {
  const layer = await tarOf([{ name: 'hello.txt', data: 'hello' }]);
  const diffId = opts.wrongDiffId ? sha('something else') : sha(layer);
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] } });
  const id = 'a'.repeat(64);
  const layerEntries: TarEntry[] = opts.symlinkLayer
    ? [{ name: `${hex(sha(layer))}.tar`, data: layer }, { name: `${id}/layer.tar`, type: 'symlink', linkname: `../${hex(sha(layer))}.tar` }]
    : [{ name: `${id}/`, type: 'directory' }, { name: `${id}/layer.tar`, data: layer }, { name: `${id}/VERSION`, data: '1.0' }];
  const manifest = [{ Config: `${hex(sha(config))}.json`, RepoTags: ['busybox:latest'], Layers: [opts.layerPath ?? `${id}/layer.tar`] }];
  const archive = await tarOf([
    ...layerEntries,
    { name: `${hex(sha(config))}.json`, data: config },
    { name: 'manifest.json', data: JSON.stringify(manifest) },
    { name: 'repositories', data: JSON.stringify({ busybox: { latest: id } }) },
    ...(opts.extra ?? []),
  ]);
  return { archive, layer, config };
}

test('classic docker-archive: an OCI manifest is built with diff_ids checked', async (t) => {
  for (const symlinkLayer of [false, true]) {
    const store = await newStore(t);
    const { archive, layer, config } = await classicArchive({ symlinkLayer });
    const result = await importArchive(store, Readable.from([archive]));
    assert.equal(result.images.length, 1);
    const [image] = result.images;
    assert.deepEqual(image!.names, ['docker.io/library/busybox:latest']);
    assert.equal(image!.config, sha(config));
    assert.deepEqual(image!.layers, [{ mediaType: MediaTypes.ociLayer, digest: sha(layer), size: layer.length }]);
    const manifest = JSON.parse((await store.read(image!.manifest.digest as never)).toString()) as ImageManifest;
    assert.equal(manifest.config.mediaType, MediaTypes.ociConfig);
    assert.equal(image!.manifest.mediaType, MediaTypes.ociManifest);
    assert.deepEqual(await blobsOf(store), [image!.manifest.digest, sha(config), sha(layer)].sort(), 'manifest.json, VERSION, repositories not kept');
    result.release();
  }
});

test('classic docker-archive: a layer that does not match its diff_id is refused', async (t) => {
  const store = await newStore(t);
  await assertRefused(store, (await classicArchive({ wrongDiffId: true })).archive);
});

test('refuses hostile, truncated and corrupt archives, leaving the store as it was', async (t) => {
  const store = await newStore(t);
  // Blobs already in the store, which the bad archives also carry: they must survive the failures.
  const { image } = await buildImage(store, { 'etc/base': 'base' });
  const good = await collect((out) => exportOciArchive(store, [{ ...image, names: ['busybox:latest'] }], out));
  const goodEntries = [...(await entriesOf(good))].map(([name, data]) => ({ name, data }));
  const withFresh = (bad: TarEntry): Promise<Buffer> =>
    tarOf([...goodEntries, { name: 'fresh-blob', data: 'committed before the bad entry' }, bad]);

  const cases: Array<[string, Buffer | Promise<Buffer>]> = [
    ['../evil', withFresh({ name: '../evil', data: 'x' })],
    ['nested ..', withFresh({ name: 'blobs/../../evil', data: 'x' })],
    ['absolute', withFresh({ name: '/etc/x', data: 'x' })],
    ['symlink out', withFresh({ name: 'evil', type: 'symlink', linkname: '/etc/passwd' })],
    ['symlink up', withFresh({ name: 'a/evil', type: 'symlink', linkname: '../../etc/passwd' })],
    ['hardlink', withFresh({ name: 'evil', type: 'link', linkname: 'index.json' })],
    ['device', withFresh({ name: 'evil', type: 'character-device' })],
    ['truncated', good.subarray(0, Math.floor(good.length / 2))],
    ['truncated gzip', gzipSync(good).subarray(0, 200)],
    ['not a tar', Buffer.from('this is not a tar archive at all'.repeat(40))],
    ['empty', Buffer.alloc(0)],
    ['missing file', (await classicArchive({ layerPath: 'no/such/layer.tar' })).archive],
    ['digest mismatch', withFresh({ name: `blobs/sha256/${'0'.repeat(64)}`, data: 'not what the name says' })],
    ['duplicate', withFresh({ name: 'index.json', data: '{}' })],
  ];
  for (const [name, archive] of cases) await t.test(name, async () => assertRefused(store, await archive));
  assert.ok(await store.has(image.manifest.digest as never));
});

test('a blob whose descriptor size is wrong, or an index entry missing, is refused', async (t) => {
  const store = await newStore(t);
  const { image } = await buildImage(store, { 'a.txt': 'a' });
  const good = await collect((out) => exportOciArchive(store, [image], out));
  const entries = [...(await entriesOf(good))].map(([name, data]) => ({ name, data }));
  const fresh = await newStore(t);
  const lying = JSON.stringify({ schemaVersion: 2, manifests: [{ ...image.manifest, size: image.manifest.size + 1 }] });
  await assertRefused(fresh, await tarOf(entries.map((e) => (e.name === 'index.json' ? { ...e, data: lying } : e))));
  const dangling = JSON.stringify({ schemaVersion: 2, manifests: [{ ...image.manifest, digest: sha('absent') }] });
  await assertRefused(fresh, await tarOf(entries.map((e) => (e.name === 'index.json' ? { ...e, data: dangling } : e))));
  await assertRefused(fresh, await tarOf(entries.filter((e) => !e.name.endsWith(hex(image.manifest.digest)))));
});

test('ref.name that is only a tag names the image only with defaultName; maxEntrySize is enforced', async (t) => {
  const store = await newStore(t);
  const { image } = await buildImage(store, { 'a.txt': 'a' });
  const good = await collect((out) => exportOciArchive(store, [image], out));
  const entries = [...(await entriesOf(good))].map(([name, data]) => ({ name, data }));
  const index = JSON.stringify({ schemaVersion: 2, manifests: [{ ...image.manifest, annotations: { 'org.opencontainers.image.ref.name': 'v2' } }] });
  const archive = await tarOf(entries.map((e) => (e.name === 'index.json' ? { ...e, data: index } : e)));
  const fresh = await newStore(t);
  const unnamed = await importArchive(fresh, Readable.from([archive]));
  assert.deepEqual(unnamed.images[0]!.names, []);
  unnamed.release();
  const named = await importArchive(fresh, Readable.from([archive]), { defaultName: 'myorg/app' });
  assert.deepEqual(named.images[0]!.names, ['docker.io/myorg/app:v2']);
  named.release();
  await assert.rejects(importArchive(await newStore(t), Readable.from([archive]), { maxEntrySize: 16 }), { code: 'InvalidArgument' });
});

test('an image index in the archive yields the manifest for the wanted platform', async (t) => {
  const store = await newStore(t);
  const amd = await buildImage(store, { 'amd.txt': 'amd64' });
  const arm = await buildImage(store, { 'arm.txt': 'arm64' });
  const base = await collect((out) => exportOciArchive(store, [amd.image, arm.image], out));
  const entries = [...(await entriesOf(base))].map(([name, data]) => ({ name, data }));
  const nested = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: [
      { ...amd.image.manifest, platform: { os: 'linux', architecture: 'amd64' } },
      { ...arm.image.manifest, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ],
  }));
  const top = JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: MediaTypes.ociIndex, digest: sha(nested), size: nested.length, annotations: { 'io.containerd.image.name': 'docker.io/library/multi:1' } }],
  });
  const archive = await tarOf([
    ...entries.filter((e) => e.name !== 'index.json'),
    { name: `blobs/sha256/${hex(sha(nested))}`, data: nested },
    { name: 'index.json', data: top },
  ]);
  const fresh = await newStore(t);
  const result = await importArchive(fresh, Readable.from([archive]), { platform: { os: 'linux', architecture: 'arm64' } });
  assert.deepEqual(result.images.map((i) => [i.manifest.digest, i.names]), [[arm.image.manifest.digest, ['docker.io/library/multi:1']]]);
  assert.equal(await fresh.has(amd.image.manifest.digest as never), false, 'other platforms are not kept');
  result.release();
  await assert.rejects(importArchive(await newStore(t), Readable.from([archive]), { platform: { os: 'linux', architecture: 's390x' } }), { code: 'NotFound' });
});
