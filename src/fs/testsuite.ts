/**
 * The conformance suite of the Mounter seam (STYLE rule 2): the Linux adapter (as root, in
 * test/integration/fs-overlay.test.ts) and the recording fake (test/unit/fs) both pass it, so
 * the unit tests that trust the fake trust the real thing's behaviour.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ForgeError } from '../errors';
import type { Mounter } from './types';

export interface MounterUnderTest {
  mounter: Mounter;
  /** Keeps `target` busy (a process inside it) until the returned function is called. */
  makeBusy(target: string): Promise<() => void>;
}

export function runMounterSuite(name: string, factory: () => MounterUnderTest): void {
  describe(`Mounter conformance: ${name}`, () => {
    const dirs: string[] = [];
    after(async () => {
      for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
    });

    /** A fresh source with a file, and an empty target, for each case. */
    async function setup(): Promise<{ source: string; target: string }> {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'forgeone-mounter-'));
      dirs.push(dir);
      await fs.mkdir(path.join(dir, 'source'));
      await fs.mkdir(path.join(dir, 'target'));
      await fs.writeFile(path.join(dir, 'source', 'file'), 'x');
      return { source: path.join(dir, 'source'), target: path.join(dir, 'target') };
    }
    const isCode = (code: string) => (err: unknown) => err instanceof ForgeError && err.code === code;

    it('mounts, lists the mount point, unmounts; a second unmount is NotFound', async () => {
      const { mounter } = factory();
      const { source, target } = await setup();
      await mounter.mount({ type: 'bind', source, target, options: ['ro'] });
      assert.deepEqual(await mounter.mountPoints(target), [target]);
      assert.deepEqual(await mounter.mountPoints(path.dirname(target)), [target]);
      await mounter.unmount(target);
      assert.deepEqual(await mounter.mountPoints(target), []);
      await assert.rejects(mounter.unmount(target), isCode('NotFound'));
    });

    it('stacks mounts on one target: each unmount removes one', async () => {
      const { mounter } = factory();
      const { source, target } = await setup();
      await mounter.mount({ type: 'bind', source, target, options: [] });
      await mounter.mount({ type: 'bind', source, target, options: [] });
      await mounter.unmount(target);
      assert.deepEqual(await mounter.mountPoints(target), [target]);
      await mounter.unmount(target);
      assert.deepEqual(await mounter.mountPoints(target), []);
    });

    it('refuses a plain unmount of a busy target as Unavailable; a lazy one detaches it', async () => {
      const { mounter, makeBusy } = factory();
      const { source, target } = await setup();
      await mounter.mount({ type: 'bind', source, target, options: [] });
      const release = await makeBusy(target);
      try {
        await assert.rejects(mounter.unmount(target), isCode('Unavailable'));
        await mounter.unmount(target, { detach: true });
        assert.deepEqual(await mounter.mountPoints(target), []);
      } finally {
        release();
      }
    });

    it('tells a mount point, overlay or bind, from a plain directory (isMountPoint)', async () => {
      const { mounter } = factory();
      const { source, target } = await setup();
      const upper = path.join(path.dirname(source), 'upper');
      const work = path.join(path.dirname(source), 'work');
      await fs.mkdir(upper);
      await fs.mkdir(work);
      assert.equal(await mounter.isMountPoint(target), false);
      for (const spec of [
        { type: 'overlay' as const, source: 'overlay', target, options: [`lowerdir=${source}`, `upperdir=${upper}`, `workdir=${work}`] },
        { type: 'bind' as const, source, target, options: ['ro'] },
      ]) {
        await mounter.mount(spec);
        try {
          assert.equal(await mounter.isMountPoint(target), true, spec.type);
          assert.equal(await mounter.isMountPoint(path.join(target, 'file')), false, `a file inside the ${spec.type} mount`);
        } finally {
          await mounter.unmount(target);
        }
        assert.equal(await mounter.isMountPoint(target), false, `${spec.type} unmounted`);
      }
      assert.equal(await mounter.isMountPoint('/nonexistent/forgeone'), false);
    });

    it('lists nothing for a path that does not exist', async () => {
      const { mounter } = factory();
      assert.deepEqual(await mounter.mountPoints('/nonexistent/forgeone'), []);
    });
  });
}
