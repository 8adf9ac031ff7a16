import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mergeStatus } from '../../../src/engine/native/task-status';

const at = new Date('2026-01-01T00:00:00Z');

test('the exit file wins over the runtime state', () => {
  assert.deepEqual(mergeStatus({ exit: { exitCode: 137, exitedAt: at }, runtime: { id: 'a', pid: 0, status: 'stopped' } }), { state: 'stopped', exitCode: 137, exitedAt: at });
  assert.deepEqual(mergeStatus({ exit: { exitCode: 137, exitedAt: at }, oomKilled: true }), { state: 'stopped', exitCode: 137, exitedAt: at, oomKilled: true });
});

test('runtime states map to task states', () => {
  assert.deepEqual(mergeStatus({ runtime: { id: 'a', pid: 10, status: 'created' } }), { state: 'created', pid: 10 });
  assert.deepEqual(mergeStatus({ runtime: { id: 'a', pid: 10, status: 'running' } }), { state: 'running', pid: 10 });
  assert.deepEqual(mergeStatus({ runtime: { id: 'a', pid: 10, status: 'paused' } }), { state: 'paused', pid: 10 });
  assert.deepEqual(mergeStatus({ runtime: { id: 'a', pid: 0, status: 'stopped' } }), { state: 'stopped' });
  assert.deepEqual(mergeStatus({}), { state: 'unknown' });
});
