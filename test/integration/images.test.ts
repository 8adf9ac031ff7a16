/**
 * The image verbs end to end: the real CLI and daemon against a real docker-registry, checked
 * with the real skopeo. One registry and one daemon serve the whole file.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startRegistry, type TestRegistry } from '../fixtures/registry';
import { buildBusyboxAppImage, buildBusyboxImage, type BuiltImage } from '../fixtures/images';
import { pushLayout, inspectRemote } from '../fixtures/push';
import { TestDaemon } from '../fixtures/daemon';
import { chainIds } from '../../src/fs/chain-id';
import { TempDirs } from '../fixtures/tmp';

const hex = (d: string) => d.replace('sha256:', '');

describe('images: pull, list, tag, inspect, push, save, load, rmi, prune', () => {
  const tmp = new TempDirs();
  let registry: TestRegistry;
  let daemon: TestDaemon;
  let busybox: BuiltImage;
  let app: BuiltImage;
  let ref: string;
  let appRef: string;

  const snapshotExists = (chainId: string) => existsSync(path.join(daemon.root, 'snapshots', hex(chainId)));
  const blobExists = (digest: string) => existsSync(path.join(daemon.root, 'content', 'blobs', 'sha256', hex(digest)));
  const ok = async (args: string[], input?: string) => {
    const r = await daemon.cli(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `forgeone ${args.join(' ')} failed: ${r.stderr}`);
    return r;
  };

  before(async () => {
    registry = await startRegistry();
    busybox = await buildBusyboxImage(await tmp.make('bb-'));
    app = await buildBusyboxAppImage(await tmp.make('app-'));
    await pushLayout(busybox.layoutDir, busybox.tag, registry.host, 'library/busybox:latest');
    await pushLayout(app.layoutDir, app.tag, registry.host, 'team/app:1.0');
    ref = `${registry.host}/library/busybox:latest`;
    appRef = `${registry.host}/team/app:1.0`;
    daemon = await TestDaemon.start();
  });
  after(async () => {
    await daemon?.destroy();
    await registry?.stop();
    await tmp.cleanup();
  });

  it('pulls an image, verifies it and records it', async () => {
    const r = await ok(['pull', ref]);
    assert.match(r.stdout, /Downloaded newer image/);
    assert.match(r.stdout, new RegExp(`Digest: ${busybox.manifestDigest}`));
    assert.equal(r.stdout.trim().split('\n').pop(), ref);
    for (const d of [busybox.manifestDigest, busybox.configDigest, ...busybox.layerDigests]) assert.ok(blobExists(d), `blob ${d} stored`);
    assert.deepEqual(await fs.readdir(path.join(daemon.root, 'ingest')), []);
    // Unpacked while pulling (a single layer: its chain ID is its diffID), so a run has nothing left to do.
    assert.ok(snapshotExists(busybox.diffIds[0]!), 'the layer is unpacked by the pull');
    const id = hex(busybox.layerDigests[0]!).slice(0, 12);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith(`${id}:`));
    assert.ok(lines.indexOf(`${id}: Download complete`) < lines.indexOf(`${id}: Pull complete`), lines.join('\n'));
  });

  it('a second pull is up to date and downloads nothing', async () => {
    const r = await ok(['pull', ref]);
    assert.match(r.stdout, /Image is up to date/);
    assert.match(r.stdout, /Already exists/);
  });

  it('piped output has no terminal escapes and -q prints only the name', async () => {
    const r = await ok(['pull', '-q', ref]);
    assert.equal(r.stdout, `${ref}\n`);
    assert.doesNotMatch(r.stdout + r.stderr, /\x1b\[/);
  });

  it('lists images as a table, IDs, digests and JSON', async () => {
    const table = await ok(['images']);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0]!, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    assert.match(lines[1]!, new RegExp(`^${registry.host}/library/busybox\\s+latest\\s+${hex(busybox.configDigest).slice(0, 12)}\\s`));
    assert.equal((await ok(['images', '-q'])).stdout, `${hex(busybox.configDigest).slice(0, 12)}\n`);
    assert.match((await ok(['images', '--digests'])).stdout, new RegExp(`latest\\s+${busybox.manifestDigest}`));
    const json = (await ok(['images', '--format', 'json'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(json.length, 1);
    assert.equal(json[0].Repository, `${registry.host}/library/busybox`);
    assert.equal(json[0].Tag, 'latest');
    assert.equal((await ok(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, `${ref}\n`);
  });

  it('inspects an image by name, ID prefix and digest', async () => {
    const [byName] = JSON.parse((await ok(['image', 'inspect', ref])).stdout);
    assert.equal(byName.Id, busybox.configDigest);
    assert.equal(byName.Descriptor.digest, busybox.manifestDigest);
    assert.deepEqual(byName.RootFS.Layers, busybox.diffIds);
    assert.equal(byName.Architecture, 'amd64');
    assert.deepEqual(byName.RepoDigests, [`${registry.host}/library/busybox@${busybox.manifestDigest}`]);
    const [byId] = JSON.parse((await ok(['image', 'inspect', hex(busybox.configDigest).slice(0, 8)])).stdout);
    assert.equal(byId.Id, busybox.configDigest);
    const byDigest = await ok(['image', 'inspect', '-f', '{{.Id}}', `${registry.host}/library/busybox@${busybox.manifestDigest}`]);
    assert.equal(byDigest.stdout.trim(), busybox.configDigest);
  });

  it('keeps the store readable by skopeo (an OCI image layout)', () => {
    const out = execFileSync('skopeo', ['inspect', `oci:${path.join(daemon.root, 'content')}:${ref}`], { encoding: 'utf8' });
    const info = JSON.parse(out) as { Digest: string; Layers: string[] };
    assert.equal(info.Digest, busybox.manifestDigest);
    assert.deepEqual(info.Layers, busybox.layerDigests);
  });

  it('tags, and refuses to remove by ID an image with two names without -f', async () => {
    await ok(['tag', ref, 'mine/busybox:v1']);
    const names = (await ok(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.trim().split('\n').sort();
    assert.deepEqual(names, [ref, 'mine/busybox:v1'].sort());
    const index = await daemon.readIndex();
    assert.deepEqual(
      index.manifests.map((m) => m.annotations?.['org.opencontainers.image.ref.name']).sort(),
      ['docker.io/mine/busybox:v1', ref].sort(),
    );
    const r = await daemon.cli(['rmi', hex(busybox.configDigest).slice(0, 12)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /must be forced.*referenced in multiple repositories/);
  });

  it('pushes to another repository, mounting the layer the registry already holds', async () => {
    const target = `${registry.host}/mirror/busybox:v1`;
    await ok(['tag', ref, target]);
    const r = await ok(['push', target]);
    assert.match(r.stdout, /Mounted from library\/busybox|Layer already exists/);
    assert.match(r.stdout, new RegExp(`v1: digest: ${busybox.manifestDigest}`));
    const remote = (await inspectRemote(target)) as { Digest: string };
    assert.equal(remote.Digest, busybox.manifestDigest);
  });

  it('pulls Docker schema 2 manifests as well as OCI ones', async () => {
    const target = `${registry.host}/v2s2/busybox:latest`;
    execFileSync('skopeo', ['copy', '--quiet', '--format', 'v2s2', '--dest-tls-verify=false', `oci:${busybox.layoutDir}:${busybox.tag}`, `docker://${target}`]);
    await ok(['pull', target]);
    const [img] = JSON.parse((await ok(['image', 'inspect', target])).stdout);
    assert.equal(img.Descriptor.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.deepEqual(img.RootFS.Layers, busybox.diffIds);
    await ok(['rmi', target]);
  });

  it('push of a name that does not exist is NotFound', async () => {
    const r = await daemon.cli(['push', `${registry.host}/nothing/here:v9`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /An image does not exist locally with the tag/);
  });

  it('saves and loads docker-archive and oci-archive round trips', async () => {
    const dir = await tmp.make('archives-');
    const dockerTar = path.join(dir, 'bb-docker.tar');
    const ociTar = path.join(dir, 'bb-oci.tar');
    await ok(['save', '-o', dockerTar, ref]);
    await ok(['save', '--format', 'oci-archive', '-o', ociTar, ref]);
    assert.ok(statSync(dockerTar).size > busybox.layerDigests.length * 1000);
    const viaSkopeo = JSON.parse(execFileSync('skopeo', ['inspect', `docker-archive:${dockerTar}`], { encoding: 'utf8' })) as { Layers: string[] };
    assert.equal(viaSkopeo.Layers.length, 1);

    const other = await TestDaemon.start();
    try {
      const loaded = await other.cli(['load', '-i', dockerTar]);
      assert.equal(loaded.code, 0, loaded.stderr);
      assert.match(loaded.stdout, new RegExp(`Loaded image: ${ref.replace(/[.]/g, '\\.')}`));
      const [img] = JSON.parse((await other.cli(['image', 'inspect', ref])).stdout);
      assert.equal(img.Id, busybox.configDigest);
      await other.cli(['rmi', ref]);
      const loadedOci = await other.cli(['load', '-i', ociTar]);
      assert.equal(loadedOci.code, 0, loadedOci.stderr);
      const [img2] = JSON.parse((await other.cli(['image', 'inspect', ref])).stdout);
      assert.equal(img2.Descriptor.digest, busybox.manifestDigest);
    } finally {
      await other.destroy();
    }
    const missing = await daemon.cli(['save', '-o', path.join(dir, 'x.tar'), 'no/such:image']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such image: no\/such:image/);
    assert.equal(existsSync(path.join(dir, 'x.tar')), false, 'a failed save leaves no file');
  });

  it('keeps a blob shared by two images when one is removed', async () => {
    await ok(['pull', appRef]);
    for (const chainId of chainIds(app.diffIds)) assert.ok(snapshotExists(chainId), `layer ${chainId} unpacked on top of the ones below`);
    const baseLayer = busybox.layerDigests[0]!;
    assert.equal(app.layerDigests[0], baseLayer, 'fixture shares the base layer');
    await ok(['rmi', '-f', hex(busybox.configDigest).slice(0, 12)]);
    assert.ok(blobExists(baseLayer), 'shared base layer survives');
    assert.equal(blobExists(busybox.configDigest), false, "busybox's own config is collected");
    assert.equal(blobExists(busybox.manifestDigest), false, "busybox's manifest is collected");
    const r = await ok(['rmi', appRef]);
    assert.match(r.stdout, /Untagged: .*team\/app:1\.0/);
    assert.match(r.stdout, new RegExp(`Deleted: ${app.configDigest}`));
    assert.equal(blobExists(baseLayer), false, 'the last user is gone, so is the layer');
    assert.deepEqual((await fs.readdir(path.join(daemon.root, 'content', 'blobs', 'sha256'))).length, 0);
    assert.deepEqual((await fs.readdir(path.join(daemon.root, 'snapshots'))).filter((n) => /^[0-9a-f]{64}$/.test(n)), [], 'no image left: no snapshot left');
  });

  it('prunes dangling images, and with -a every image', async () => {
    await ok(['pull', ref]);
    await ok(['pull', `${registry.host}/library/busybox@${busybox.manifestDigest}`]);
    await ok(['pull', appRef]);
    await ok(['tag', appRef, 'moved:latest']);
    await ok(['rmi', appRef]);
    const refused = await daemon.cli(['image', 'prune']);
    assert.notEqual(refused.code, 0, 'prune without a terminal needs --force');
    const dangling = await ok(['image', 'prune', '-f']);
    assert.match(dangling.stdout, /Total reclaimed space: 0B/);
    const df = await ok(['system', 'df', '--format', 'json']);
    const images = JSON.parse(df.stdout.trim().split('\n')[0]!);
    assert.equal(images.Type, 'Images');
    assert.equal(images.TotalCount, '2');
    const all = await ok(['image', 'prune', '-a', '-f']);
    assert.match(all.stdout, /deleted: sha256:/);
    assert.doesNotMatch(all.stdout, /Total reclaimed space: 0B/);
    assert.equal((await ok(['images', '-q'])).stdout, '');
    assert.deepEqual(await fs.readdir(path.join(daemon.root, 'content', 'blobs', 'sha256')), []);
    assert.deepEqual((await daemon.readIndex()).manifests, []);
  });

  it('reports version, info and events', async () => {
    const v = JSON.parse((await ok(['version', '--format', 'json'])).stdout);
    assert.equal(v.Server.Version, v.Client.Version);
    const info = JSON.parse((await ok(['info', '--format', 'json'])).stdout);
    assert.equal(info.DockerRootDir, daemon.root);
    assert.equal(info.Images, 0);
    const until = String(Date.now() / 1000 + 0.001);
    const events = (await ok(['events', '--since', '0', '--until', until, '--format', 'json'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const topics = new Set(events.map((e: { topic: string }) => e.topic));
    for (const t of ['/images/pull', '/images/tag', '/images/push', '/images/untag', '/images/delete', '/images/prune']) {
      assert.ok(topics.has(t), `event ${t} recorded`);
    }
    const bad = await daemon.cli(['events', '--since', 'yesterday-ish']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /neither unix seconds nor a date/);
  });
});
