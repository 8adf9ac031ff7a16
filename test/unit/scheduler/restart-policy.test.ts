import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decideRestart, BACKOFF_MAX_MS, BACKOFF_START_MS } from '../../../src/scheduler/restart-policy';

const facts = { exitCode: 1, stoppedByUser: false, restartCount: 0, ranForMs: 50, lastDelayMs: 0 };

describe('restart policy', () => {
  it('no never restarts', () => assert.equal(decideRestart({ name: 'no', maximumRetryCount: 0 }, facts).restart, false));
  it('always restarts, unless the user stopped it', () => {
    assert.equal(decideRestart({ name: 'always', maximumRetryCount: 0 }, { ...facts, exitCode: 0 }).restart, true);
    assert.equal(decideRestart({ name: 'always', maximumRetryCount: 0 }, { ...facts, stoppedByUser: true }).restart, false);
    assert.equal(decideRestart({ name: 'unless-stopped', maximumRetryCount: 0 }, { ...facts, stoppedByUser: true }).restart, false);
  });
  it('on-failure restarts on non-zero exits up to the maximum', () => {
    const p = { name: 'on-failure' as const, maximumRetryCount: 2 };
    assert.equal(decideRestart(p, { ...facts, exitCode: 0 }).restart, false);
    assert.equal(decideRestart(p, { ...facts, restartCount: 1 }).restart, true);
    assert.equal(decideRestart(p, { ...facts, restartCount: 2 }).restart, false);
  });
  it('backs off exponentially, capped, and resets after a long run', () => {
    const p = { name: 'always' as const, maximumRetryCount: 0 };
    assert.equal(decideRestart(p, facts).delayMs, BACKOFF_START_MS);
    assert.equal(decideRestart(p, { ...facts, lastDelayMs: 400 }).delayMs, 800);
    assert.equal(decideRestart(p, { ...facts, lastDelayMs: BACKOFF_MAX_MS }).delayMs, BACKOFF_MAX_MS);
    assert.equal(decideRestart(p, { ...facts, lastDelayMs: 6400, ranForMs: 20_000 }).delayMs, BACKOFF_START_MS);
  });
});
