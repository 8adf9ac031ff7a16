import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReadWriteLock } from '../../../src/util/concurrency';

const tick = () => new Promise((r) => setImmediate(r));

/** A task that records when it runs and ends when `release()` is called. */
function gate(log: string[], name: string): { task: () => Promise<void>; release: () => void } {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return {
    task: async () => {
      log.push(`${name}+`);
      await done;
      log.push(`${name}-`);
    },
    release: () => release(),
  };
}

describe('ReadWriteLock', () => {
  it('lets shared holders run at once', async () => {
    const lock = new ReadWriteLock();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const pa = lock.shared(a.task);
    const pb = lock.shared(b.task);
    await tick();
    assert.deepEqual(log, ['a+', 'b+']);
    a.release();
    b.release();
    await Promise.all([pa, pb]);
  });

  it('runs an exclusive holder alone, after the shared ones before it, before the shared ones after it', async () => {
    const lock = new ReadWriteLock();
    const log: string[] = [];
    const r1 = gate(log, 'r1');
    const w = gate(log, 'w');
    const r2 = gate(log, 'r2');
    const p = [lock.shared(r1.task), lock.exclusive(w.task), lock.shared(r2.task)];
    await tick();
    assert.deepEqual(log, ['r1+']);
    r1.release();
    await tick();
    await tick();
    assert.deepEqual(log, ['r1+', 'r1-', 'w+']);
    w.release();
    await tick();
    await tick();
    assert.deepEqual(log, ['r1+', 'r1-', 'w+', 'w-', 'r2+']);
    r2.release();
    await Promise.all(p);
  });

  it('releases the lock when a task throws', async () => {
    const lock = new ReadWriteLock();
    await assert.rejects(lock.exclusive(() => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await lock.exclusive(async () => 'next'), 'next');
    assert.equal(await lock.shared(async () => 'shared'), 'shared');
  });
});
