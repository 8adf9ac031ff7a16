/** Rlimits: parsing /proc/self/limits and clamping to the daemon's hard limits (HOST-NOTES 3). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clampRlimits, defaultRlimits, parseProcLimits, readHostLimits } from '../../../src/security/rlimits';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max processes             96365                96365                processes
Max open files            1024                 20000                files
Max locked memory         8388608              8388608              bytes
`;

test('parses /proc/self/limits', () => {
  const l = parseProcLimits(LIMITS);
  assert.deepEqual(l.RLIMIT_NOFILE, { soft: 1024, hard: 20000 });
  assert.deepEqual(l.RLIMIT_NPROC, { soft: 96365, hard: 96365 });
  assert.deepEqual(readHostLimits(LIMITS), { nofileHard: 20000, nprocHard: 96365 });
  assert.deepEqual(readHostLimits('Max open files            unlimited            unlimited            files\n').nofileHard, Infinity);
});

test('this process\'s own limits can be read', () => {
  assert.ok(readHostLimits().nofileHard > 0);
});

test('the default NOFILE is clamped to the daemon\'s hard limit, never above', () => {
  assert.deepEqual(defaultRlimits({ nofileHard: 20000 }), [{ type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }]);
  assert.deepEqual(defaultRlimits({ nofileHard: Infinity }), [{ type: 'RLIMIT_NOFILE', soft: 1048576, hard: 1048576 }]);
  assert.deepEqual(defaultRlimits({ nofileHard: 4096 }), [{ type: 'RLIMIT_NOFILE', soft: 4096, hard: 4096 }]);
});

test('NPROC is clamped to conmon\'s 32768; soft never exceeds hard; others pass', () => {
  const out = clampRlimits(
    [
      { type: 'RLIMIT_NPROC', soft: 100000, hard: 100000 },
      { type: 'RLIMIT_NOFILE', soft: 1024, hard: 50000 },
      { type: 'RLIMIT_CORE', soft: 0, hard: 0 },
    ],
    { nofileHard: 20000, nprocHard: 96365 },
  );
  assert.deepEqual(out, [
    { type: 'RLIMIT_NPROC', soft: 32768, hard: 32768 },
    { type: 'RLIMIT_NOFILE', soft: 1024, hard: 20000 },
    { type: 'RLIMIT_CORE', soft: 0, hard: 0 },
  ]);
});
