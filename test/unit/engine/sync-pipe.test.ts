import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { LineReader, parseSyncLine, readSyncMessage } from '../../../src/engine/native/sync-pipe';
import { isForgeError } from '../../../src/errors';

test('parseSyncLine: api-version 1 and older keys', () => {
  assert.deepEqual(parseSyncLine('{"data": 363}'), { data: 363 });
  assert.deepEqual(parseSyncLine('{"data": -1, "message": "executable file `nope` not found"}'), { data: -1, message: 'executable file `nope` not found' });
  assert.deepEqual(parseSyncLine('{"pid": 12}'), { data: 12 });
  assert.throws(() => parseSyncLine('{"x": 1}'), (e) => isForgeError(e, 'Internal'));
  assert.throws(() => parseSyncLine('not json'), (e) => isForgeError(e, 'Internal'));
});

test('one line is read without waiting for EOF (conmon keeps the pipe open)', async () => {
  const pipe = new PassThrough();
  const r = new LineReader(pipe);
  pipe.write('{"data": 42}\n');
  assert.deepEqual(await readSyncMessage(r, 1000, 'x'), { data: 42 });
  // An exec's exit code follows later on the same pipe, possibly split across writes.
  setTimeout(() => pipe.write('{"data"'), 10);
  setTimeout(() => pipe.write(': 7}\n'), 20);
  assert.deepEqual(await readSyncMessage(r, 1000, 'x'), { data: 7 });
  pipe.end();
  assert.equal(await readSyncMessage(r, 1000, 'x'), undefined, 'EOF without a line');
});

test('no answer within the timeout is Unavailable; Infinity waits', async () => {
  const pipe = new PassThrough();
  const r = new LineReader(pipe);
  await assert.rejects(r.next(30, 'create task x'), (e) => isForgeError(e, 'Unavailable') && /create task x/.test(e.message));
  setTimeout(() => pipe.write('late\n'), 20);
  assert.equal(await r.next(Infinity, 'x'), 'late');
  r.close();
});
