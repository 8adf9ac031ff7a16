/**
 * A pull that runs out of disk: the data root is a small tmpfs, the image bigger than it. The
 * pull must fail saying so, leave no half image and no ingest file, and the daemon must go on.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startRegistry, type TestRegistry } from '../fixtures/registry';
import { buildBusyboxImage, buildRandomImage } from '../fixtures/images';
import { pushLayout } from '../fixtures/push';
import { TestDaemon } from '../fixtures/daemon';
import { TempDirs } from '../fixtures/tmp';

describe('disk full during a pull', () => {
  const tmp = new TempDirs();
  const mountPoint = mkdtempSync(path.join(tmpdir(), 'forgeone-small-'));
  let registry: TestRegistry;
  let daemon: TestDaemon;

  before(async () => {
    registry = await startRegistry();
    const big = await buildRandomImage(await tmp.make('big-'), { size: 24 * 1024 * 1024 });
    await pushLayout(big.layoutDir, big.tag, registry.host, 'big/rand:1');
    const small = await buildBusyboxImage(await tmp.make('bb-'));
    await pushLayout(small.layoutDir, small.tag, registry.host, 'library/busybox:latest');
    // 16 MiB: room for the database and the busybox image, not for a 24 MiB layer.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'tmpfs', mountPoint]);
    daemon = await TestDaemon.start({ dir: mountPoint, config: {} });
  });
  after(async () => {
    await daemon?.stop();
    await daemon?.removeBridge();
    execFileSync('umount', ['-l', mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
    await registry?.stop();
    await tmp.cleanup();
  });

  it('fails with a clear error, keeps nothing, and the next pull that fits works', async () => {
    const r = await daemon.cli(['pull', `${registry.host}/big/rand:1`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no space left on device/i);
    assert.match(r.stderr, /free disk space/);
    assert.deepEqual(readdirSync(path.join(daemon.root, 'ingest')), []);
    assert.equal((await daemon.cli(['images', '-q'])).stdout, '');
    const blobs = readdirSync(path.join(daemon.root, 'content', 'blobs', 'sha256'));
    assert.deepEqual(blobs, [], 'the config committed before the layer was collected');
    const ok = await daemon.cli(['pull', '-q', `${registry.host}/library/busybox:latest`]);
    assert.equal(ok.code, 0, ok.stderr);
  });
});
