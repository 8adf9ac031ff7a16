import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DetachKeyMatcher, parseDetachKeys, DEFAULT_DETACH_KEYS } from '../../../src/cli/commands/containers/detach-keys';
import { ForgeError } from '../../../src/errors';

/** Feeds chunks; returns all forwarded bytes and whether (and after which chunk) it detached. */
function feed(keys: string, chunks: Array<string | number[]>): { forwarded: number[]; detachedAt: number } {
  const m = new DetachKeyMatcher(parseDetachKeys(keys));
  const forwarded: number[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    const r = m.push(Buffer.from(typeof c === 'string' ? Buffer.from(c) : c));
    forwarded.push(...r.forward);
    if (r.detach) return { forwarded, detachedAt: i };
  }
  return { forwarded, detachedAt: -1 };
}

describe('detach keys', () => {
  it('parses ctrl-<x> and single characters', () => {
    assert.deepEqual([...parseDetachKeys(DEFAULT_DETACH_KEYS)], [16, 17]);
    assert.deepEqual([...parseDetachKeys('ctrl-a,d')], [1, 100]);
    assert.deepEqual([...parseDetachKeys('ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_')], [0, 27, 28, 29, 30, 31]);
    for (const bad of ['ctrl-1', 'ctrl-', 'ab', '', 'ctrl-p,,x']) {
      assert.throws(() => parseDetachKeys(bad), (e: unknown) => e instanceof ForgeError && e.code === 'InvalidArgument');
    }
  });

  it('detaches on the sequence in one chunk, forwarding what came before', () => {
    assert.deepEqual(feed(DEFAULT_DETACH_KEYS, [[104, 105, 16, 17, 120]]), { forwarded: [104, 105], detachedAt: 0 });
  });

  it('detaches on a sequence split across chunks, holding the first key back meanwhile', () => {
    const m = new DetachKeyMatcher(parseDetachKeys(DEFAULT_DETACH_KEYS));
    const first = m.push(Buffer.from([97, 16]));
    assert.deepEqual([...first.forward], [97]);
    assert.equal(first.detach, false);
    const second = m.push(Buffer.from([17]));
    assert.equal(second.detach, true);
    assert.deepEqual([...second.forward], []);
  });

  it('passes a lone first key through once the next byte breaks the sequence', () => {
    assert.deepEqual(feed(DEFAULT_DETACH_KEYS, [[16], [120], [3]]), { forwarded: [16, 120, 3], detachedAt: -1 });
    // ctrl-p ctrl-p ctrl-q: the first ctrl-p is input, the second starts the sequence.
    assert.deepEqual(feed(DEFAULT_DETACH_KEYS, [[16], [16], [17]]), { forwarded: [16], detachedAt: 2 });
  });

  it('finds a sequence with a repeated prefix (a,a,b typed as a a a b)', () => {
    assert.deepEqual(feed('a,a,b', ['a', 'a', 'a', 'b']), { forwarded: [97], detachedAt: 3 });
    assert.deepEqual(feed('a,a,b', ['aaab']), { forwarded: [97], detachedAt: 0 });
    assert.deepEqual(feed('a,a,b', ['aac']), { forwarded: [97, 97, 99], detachedAt: -1 });
  });

  it('a one-key sequence detaches at once', () => {
    assert.deepEqual(feed('ctrl-x', [[1, 24]]), { forwarded: [1], detachedAt: 0 });
  });
});
