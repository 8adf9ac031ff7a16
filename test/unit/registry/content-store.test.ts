import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { OciLayoutStore } from '../../../src/registry/content/oci-layout-store';
import { sha256, type Digest } from '../../../src/util/digest';
import { ForgeError } from '../../../src/errors';
import { makeTempDir, removeDir } from '../../fixtures/tmp';

describe('OciLayoutStore', () => {
  let dir: string;
  let store: OciLayoutStore;

  beforeEach(async () => {
    dir = await makeTempDir('forgeone-store-');
    store = new OciLayoutStore({ root: path.join(dir, 'content'), ingest: path.join(dir, 'ingest') });
    await store.init();
  });
  afterEach(() => removeDir(dir));

  it('creates a valid empty OCI layout', async () => {
    assert.deepEqual(JSON.parse(await fs.readFile(path.join(dir, 'content', 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(await fs.readFile(path.join(dir, 'content', 'index.json'), 'utf8'));
    assert.equal(index.schemaVersion, 2);
    assert.deepEqual(index.manifests, []);
  });

  it('commits a verified blob under blobs/sha256/<hex>', async () => {
    const data = Buffer.from('hello layer');
    const digest = sha256(data);
    const info = await store.write(Readable.from([data]), { expected: { digest, size: data.length } });
    assert.deepEqual(info, { digest, size: data.length });
    assert.equal(await fs.readFile(store.path(digest), 'utf8'), 'hello layer');
    assert.equal((await store.read(digest)).toString(), 'hello layer');
    assert.deepEqual(await fs.readdir(path.join(dir, 'ingest')), []);
  });

  it('refuses a digest mismatch and commits nothing', async () => {
    const digest = sha256('something else');
    await assert.rejects(store.write(Readable.from([Buffer.from('tampered')]), { expected: { digest } }), (e: unknown) => e instanceof ForgeError && e.code === 'InvalidArgument');
    assert.equal(await store.has(digest), false);
    assert.deepEqual(await store.list(), []);
    assert.deepEqual(await fs.readdir(path.join(dir, 'ingest')), []);
  });

  it('refuses more bytes than the descriptor says, and fewer', async () => {
    const data = Buffer.from('0123456789');
    const digest = sha256(data);
    await assert.rejects(store.write(Readable.from([data]), { expected: { digest, size: 5 } }), /larger than its descriptor/);
    await assert.rejects(store.write(Readable.from([data]), { expected: { digest, size: 20 } }), /is 10 bytes, expected 20/);
    assert.deepEqual(await store.list(), []);
  });

  it('a failing source leaves nothing behind', async () => {
    const source = new Readable({ read() { this.push(Buffer.alloc(1000)); this.destroy(new Error('connection reset')); } });
    await assert.rejects(store.write(source, { expected: { digest: sha256('x'), size: 5000 } }));
    assert.deepEqual(await fs.readdir(path.join(dir, 'ingest')), []);
    assert.deepEqual(await store.list(), []);
  });

  it('two concurrent writes of one digest fetch once', async () => {
    const data = Buffer.from('shared layer');
    const digest = sha256(data);
    let opened = 0;
    const open = async () => {
      opened++;
      await new Promise((r) => setTimeout(r, 20));
      return Readable.from([data]);
    };
    const [a, b] = await Promise.all([store.write(open, { expected: { digest } }), store.write(open, { expected: { digest } })]);
    assert.deepEqual(a, b);
    assert.equal(opened, 1);
    await store.write(open, { expected: { digest, size: data.length } });
    assert.equal(opened, 1, 'a blob already in the store is not fetched again');
  });

  it('open() of a missing blob fails with NotFound', async () => {
    const stream = store.open(sha256('missing'));
    await assert.rejects(async () => {
      for await (const _ of stream) void _;
    }, (e: unknown) => e instanceof ForgeError && e.code === 'NotFound');
  });

  it('writeIndex lists names with ref.name annotations', async () => {
    const digest = sha256('m') as Digest;
    await store.writeIndex([{ name: 'docker.io/library/busybox:latest', descriptor: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1 } }]);
    const index = JSON.parse(await fs.readFile(path.join(dir, 'content', 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'docker.io/library/busybox:latest');
  });

  it('leases are counted and released once', () => {
    const d = sha256('leased');
    const r1 = store.lease([d]);
    const r2 = store.lease([d]);
    r1();
    r1();
    assert.ok(store.leased().has(d));
    r2();
    assert.equal(store.leased().has(d), false);
  });

  it('init empties the ingest area left by a crash', async () => {
    await fs.writeFile(path.join(dir, 'ingest', 'half-a-layer'), 'partial');
    await store.init();
    assert.deepEqual(await fs.readdir(path.join(dir, 'ingest')), []);
  });
});
