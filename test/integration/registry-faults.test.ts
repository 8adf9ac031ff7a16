/**
 * What a pull leaves behind when things go wrong, end to end with the real CLI and daemon:
 * a corrupt blob in the registry, a registry that goes away mid-layer, a daemon killed with -9
 * mid-pull, a registry that is gone for good (offline cache), two pulls at once, and bad input.
 * After every failure the store must hold no half image: no record, no new blob, empty ingest.
 * Faults are made by a proxy in front of a real docker-registry (test/fixtures/proxy.ts).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRegistry, type TestRegistry } from '../fixtures/registry';
import { buildBusyboxImage, buildRandomImage, type BuiltImage } from '../fixtures/images';
import { inspectLayout, pushLayout } from '../fixtures/push';
import { startProxy, type TestProxy } from '../fixtures/proxy';
import { FORGEONE_BIN, TestDaemon, type CliResult } from '../fixtures/daemon';
import { TempDirs } from '../fixtures/tmp';

const execFileAsync = promisify(execFile);
const hex = (d: string) => d.replace('sha256:', '');
/** Fast retries, so failures are quick: two attempts 50 ms apart. */
const FAST_RETRIES = { 'registry-retries': 2, 'registry-retry-delay-ms': 50 };

async function ok(daemon: TestDaemon, args: string[]): Promise<CliResult> {
  const r = await daemon.cli(args);
  assert.equal(r.code, 0, `forgeone ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r;
}

async function fails(daemon: TestDaemon, args: string[], input?: string): Promise<CliResult> {
  const r = await daemon.cli(args, input === undefined ? {} : { input });
  assert.equal(r.code, 1, `forgeone ${args.join(' ')} should exit 1, got ${r.code}: ${r.stdout}${r.stderr}`);
  return r;
}

/** The code of the error a pull ends with, read from the API stream's final errorDetail. */
async function pullErrorCode(daemon: TestDaemon, reference: string): Promise<string | undefined> {
  try {
    for await (const event of daemon.client.progress('POST', '/v1/images/pull', { query: { reference } })) void event;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return assert.fail(`pull of ${reference} should have failed`);
}

/** The store's state that a failed operation must leave unchanged. */
async function storeState(d: TestDaemon) {
  const names = (dir: string) => readdir(join(d.root, dir)).then((n) => n.sort());
  return {
    images: (await ok(d, ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'])).stdout,
    index: (await d.readIndex()).manifests.map((m) => `${m.annotations?.['org.opencontainers.image.ref.name']} ${m.digest}`).sort(),
    blobs: await names('content/blobs/sha256'),
    ingest: await names('ingest'),
  };
}

/** The blob file of `digest` in a docker-registry's filesystem storage. */
function registryBlob(registry: TestRegistry, digest: string): string {
  const h = hex(digest);
  return join(registry.dataDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', h.slice(0, 2), h, 'data');
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('registry faults', () => {
  const tmp = new TempDirs();
  const registries: TestRegistry[] = [];
  const daemons: TestDaemon[] = [];
  const pids: number[] = [];
  let reg: TestRegistry;
  let proxy: TestProxy;
  let busybox: BuiltImage;
  let big: BuiltImage;
  let d: TestDaemon;

  const registry = async () => {
    const r = await startRegistry();
    registries.push(r);
    pids.push(r.pid);
    return r;
  };
  const daemon = async () => {
    const t = await TestDaemon.start({ config: FAST_RETRIES });
    daemons.push(t);
    pids.push(t.pid!);
    return t;
  };

  before(async () => {
    busybox = await buildBusyboxImage(await tmp.make('bb-'));
    big = await buildRandomImage(await tmp.make('big-'), { size: 4 * 1024 * 1024 });
    reg = await registry();
    proxy = await startProxy(reg.host);
    await pushLayout(busybox.layoutDir, busybox.tag, reg.host, 'library/busybox:latest');
    await pushLayout(big.layoutDir, big.tag, reg.host, 'big/rand:1');
    d = await daemon();
  });
  after(async () => {
    await Promise.all(daemons.map((t) => t.destroy()));
    await proxy?.stop();
    await Promise.all(registries.map((r) => r.stop()));
    await tmp.cleanup();
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), `process ${pid} is still running`);
  });

  it('a corrupt layer in the registry fails the pull and leaves nothing behind', async () => {
    const bad = await registry();
    await pushLayout(busybox.layoutDir, busybox.tag, bad.host, 'corrupt/busybox:latest');
    const ref = `${bad.host}/corrupt/busybox:latest`;
    const layer = busybox.layerDigests[0]!;
    const before = await storeState(d);

    const file = await open(registryBlob(bad, layer), 'r+');
    await file.write(Buffer.from('corrupted!'), 0, 10, 4096); // same size, other bytes
    await file.close();
    let r = await fails(d, ['pull', ref]);
    assert.match(r.stderr, new RegExp(`layer ${layer}.*does not match its digest`));
    assert.deepEqual(await storeState(d), before);
    assert.equal(await pullErrorCode(d, ref), 'InvalidArgument');

    await truncate(registryBlob(bad, layer), 1000);
    r = await fails(d, ['pull', ref]);
    const size = (await stat(join(busybox.layoutDir, 'blobs', 'sha256', hex(layer)))).size;
    assert.match(r.stderr, new RegExp(`serves blob ${layer} with 1000 bytes, its descriptor says ${size}`));
    assert.deepEqual(await storeState(d), before);
    assert.equal(await pullErrorCode(d, ref), 'InvalidArgument');
  });

  it('a registry that goes away mid-layer: retried, then Unavailable naming the layer; then it works', async () => {
    const ref = `${proxy.host}/big/rand:1`;
    const layer = big.layerDigests[0]!;
    const before = await storeState(d);
    proxy.settings.cutBlobAfterBytes = 512 * 1024;
    try {
      const r = await fails(d, ['pull', ref]);
      assert.match(r.stderr, new RegExp(`pulling layer ${layer} of ${ref} from ${proxy.host}: the connection to the registry broke`));
      assert.equal(proxy.count('GET', hex(layer)), 2, 'one attempt and one retry (registry-retries 2)');
      assert.deepEqual(await storeState(d), before);
      assert.equal(await pullErrorCode(d, ref), 'Unavailable');
    } finally {
      delete proxy.settings.cutBlobAfterBytes;
    }
    await ok(d, ['pull', ref]);
    assert.equal((await ok(d, ['images', '-q', ref])).stdout.trim(), hex(big.configDigest).slice(0, 12));
  });

  it('kill -9 of the daemon mid-layer leaves no half image; a restart recovers and pulls again', async () => {
    const k = await daemon();
    const name = `${proxy.host}/big/rand:1`;
    proxy.settings.bytesPerSecond = 1024 * 1024;
    let pulling: Promise<CliResult> | undefined;
    try {
      pulling = k.cli(['pull', name]);
      const ingest = join(k.root, 'ingest');
      await until('a partial layer in ingest', async () => {
        // More than the config's few hundred bytes: the layer itself is downloading.
        for (const f of await readdir(ingest)) if (((await stat(join(ingest, f)).catch(() => undefined))?.size ?? 0) > 64 * 1024) return true;
        return false;
      });
      await k.kill9();
      const r = await pulling;
      assert.equal(r.code, 1, `the CLI must fail when the daemon dies: ${r.stdout}${r.stderr}`);
    } finally {
      delete proxy.settings.bytesPerSecond;
      await pulling;
    }
    await k.launch();
    pids.push(k.pid!);
    const state = await storeState(k);
    assert.deepEqual(state, { images: '', index: [], blobs: [], ingest: [] });
    // The config was committed before the layer started: recovery, not luck, emptied the store.
    assert.match(k.log, /recovery removed blobs left by an interrupted operation/);

    await ok(k, ['pull', name]);
    const after = await storeState(k);
    assert.deepEqual(after.index, [`${name} ${big.manifestDigest}`]);
    assert.deepEqual(after.blobs, [big.configDigest, big.manifestDigest, ...big.layerDigests].map(hex).sort());
    const info = (await inspectLayout(join(k.root, 'content'), name)) as { Digest: string; Layers: string[] };
    assert.equal(info.Digest, big.manifestDigest);
    assert.deepEqual(info.Layers, big.layerDigests);
  });

  it('with the registry gone, a pulled tag is served from the store, and a digest too', async () => {
    const gone = await registry();
    await pushLayout(busybox.layoutDir, busybox.tag, gone.host, 'offline/busybox:latest');
    const ref = `${gone.host}/offline/busybox:latest`;
    await ok(d, ['pull', ref]);
    await gone.stop();

    let r = await ok(d, ['pull', ref]);
    assert.match(r.stdout, new RegExp(`Registry ${gone.host} is unreachable .*using the image in the local store`));
    assert.match(r.stdout, /Image is up to date for .*\(offline\)/);
    r = await ok(d, ['pull', `${gone.host}/offline/busybox@${busybox.manifestDigest}`]);
    assert.match(r.stdout, /Image is up to date/);
    r = await fails(d, ['pull', `${gone.host}/offline/busybox:never-pulled`]);
    assert.match(r.stderr, new RegExp(`cannot reach registry ${gone.host}`));
  });

  it('two pulls of one image at once both succeed and fetch the layer once', async () => {
    const other = await buildRandomImage(await tmp.make('rand2-'), { size: 2 * 1024 * 1024 });
    await pushLayout(other.layoutDir, other.tag, reg.host, 'concurrent/rand:1');
    const ref = `${proxy.host}/concurrent/rand:1`;
    proxy.settings.bytesPerSecond = 2 * 1024 * 1024; // ~1 s: long enough for the two to overlap
    let results: CliResult[];
    try {
      results = await Promise.all([d.cli(['pull', ref]), d.cli(['pull', ref])]);
    } finally {
      delete proxy.settings.bytesPerSecond;
    }
    for (const r of results) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim().split('\n').pop(), ref);
    }
    assert.ok(results.some((r) => /Waiting for another pull/.test(r.stdout)), 'the pulls overlapped');
    assert.equal(proxy.count('GET', hex(other.layerDigests[0]!)), 1);
    assert.deepEqual((await storeState(d)).ingest, []);
  });

  describe('bad input', () => {
    // Not `UPPER/case`: like Docker, a first component with capitals is a registry host (see the
    // reference unit table), so it is valid and reaches the network. A capital in the path is not.
    it('malformed references are InvalidArgument, before any network', async () => {
      const seen = proxy.requests.length;
      for (const bad of ['UPPER', 'library/UPPER:1', 'a::b', 'x@sha256:123', ':', ' ', `${proxy.host}/Bad/Name:1`]) {
        const r = await fails(d, ['pull', bad]);
        assert.match(r.stderr, /invalid reference/, `pull "${bad}": ${r.stderr}`);
        await assert.rejects(
          (async () => {
            for await (const e of d.client.progress('POST', '/v1/images/pull', { query: { reference: bad } })) void e;
          })(),
          (err: { code?: string }) => err.code === 'InvalidArgument',
        );
      }
      assert.equal(proxy.requests.length, seen, 'no request reached the registry');
    });

    it('inspect, rmi, tag and save of an unknown image are "No such image"', async () => {
      for (const args of [['image', 'inspect', 'nope:1'], ['rmi', 'nope:1'], ['tag', 'nope:1', 'other:1'], ['save', '-o', join(d.dir, 'x.tar'), 'nope:1']]) {
        const r = await fails(d, args);
        assert.match(r.stderr, /No such image: nope:1/, `${args.join(' ')}: ${r.stderr}`);
      }
      await assert.rejects(d.client.json('GET', '/v1/images/inspect', { query: { name: 'nope:1' } }), (err: { code?: string }) => err.code === 'NotFound');
    });

    it('a second daemon on the same root refuses to start', async () => {
      const args = [FORGEONE_BIN, '--root', d.root, '--runroot', d.runroot, '--config', d.configFile, 'daemon'];
      const err = await execFileAsync(process.execPath, args, { timeout: 15_000 }).then(
        () => assert.fail('the second daemon started'),
        (e: { code?: number; stderr?: string }) => e,
      );
      assert.equal(err.code, 1);
      assert.match(err.stderr ?? '', /another ForgeOne daemon \(pid \d+\) is using this data root/);
      assert.ok(await d.client.ping(), 'the first daemon still answers');
    });

    it('load of random bytes is an invalid archive and stores nothing', async () => {
      const before = await storeState(d);
      const file = join(d.dir, 'random.tar');
      await writeFile(file, randomBytes(256 * 1024));
      const r = await fails(d, ['load', '-i', file]);
      assert.match(r.stderr, /invalid image archive/);
      assert.deepEqual(await storeState(d), before);
      await assert.rejects(
        (async () => {
          for await (const e of d.client.progress('POST', '/v1/images/load', { upload: createReadStream(file) })) void e;
        })(),
        (err: { code?: string }) => err.code === 'InvalidArgument',
      );
    });

    it('rmi by ID of an image with two names needs -f (Conflict)', async () => {
      const ref = `${reg.host}/library/busybox:latest`;
      await ok(d, ['pull', ref]);
      await ok(d, ['tag', ref, 'second/name:1']);
      const r = await fails(d, ['rmi', hex(busybox.configDigest).slice(0, 12)]);
      assert.match(r.stderr, /unable to delete .* \(must be forced\)/);
      await assert.rejects(d.client.json('DELETE', '/v1/images', { query: { name: hex(busybox.configDigest) } }), (err: { code?: string }) => err.code === 'Conflict');
      assert.equal((await ok(d, ['images', '-q', 'second/name:1'])).stdout.trim(), hex(busybox.configDigest).slice(0, 12));
    });
  });
});
