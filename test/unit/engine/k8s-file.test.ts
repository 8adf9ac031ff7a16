import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  LineAssembler, formatK8sRecords, formatTimestamp, parseK8sLine, readLogs, type LogEntry, type ReadLogsOptions,
} from '../../../src/engine/logs/k8s-file';

const T = (s: number) => `2026-11-27T20:52:${String(s).padStart(2, '0')}.335234479+00:00`;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'forgeone-logs-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function all(file: string, o: ReadLogsOptions = {}): Promise<Array<[string, string, boolean]>> {
  const out: Array<[string, string, boolean]> = [];
  for await (const e of readLogs(file, o)) out.push([e.stream, e.text, e.complete]);
  return out;
}

test('parseK8sLine: conmon lines, empty text, tags, garbage', () => {
  assert.deepEqual(parseK8sLine('2026-11-27T20:52:25.335234479+00:00 stdout F text with  spaces'), {
    timestamp: '2026-11-27T20:52:25.335234479+00:00', time: new Date('2026-11-27T20:52:25.335Z'), stream: 'stdout', partial: false, text: 'text with  spaces',
  });
  assert.equal(parseK8sLine(`${T(1)} stderr P / # `)?.text, '/ # ');
  assert.equal(parseK8sLine(`${T(1)} stdout F `)?.text, '');
  assert.equal(parseK8sLine(`${T(1)} stdout F`)?.text, '');
  assert.equal(parseK8sLine('garbage'), undefined);
  assert.equal(parseK8sLine('notatime stdout F x'), undefined);
});

test('format: conmon-compatible timestamps and records, round trip', () => {
  assert.equal(formatTimestamp(new Date('2026-11-27T20:52:25.335Z'), 234479), '2026-11-27T20:52:25.335234479+00:00');
  const text = formatK8sRecords(new Date('2026-01-01T00:00:00Z'), 'stdout', 'a\nb\npartial');
  assert.equal(text, '2026-01-01T00:00:00.000000000+00:00 stdout F a\n2026-01-01T00:00:00.000000000+00:00 stdout F b\n2026-01-01T00:00:00.000000000+00:00 stdout P partial\n');
  const asm = new LineAssembler();
  const lines = text.trim().split('\n').map((l) => asm.push(parseK8sLine(l)!)).filter(Boolean) as LogEntry[];
  assert.deepEqual(lines.map((e) => e.text), ['a', 'b']);
  assert.deepEqual(asm.flush().map((e) => [e.text, e.complete]), [['partial', false]]);
});

test('partial records are joined per stream', () => {
  const asm = new LineAssembler();
  const push = (s: string) => asm.push(parseK8sLine(s)!);
  assert.equal(push(`${T(1)} stdout P hel`), undefined);
  assert.equal(push(`${T(1)} stderr F err`)?.text, 'err');
  const e = push(`${T(2)} stdout F lo`)!;
  assert.equal(e.text, 'hello');
  assert.equal(e.timestamp, T(1), 'a joined line has its first part\'s time');
});

test('readLogs: all, tail, since/until, streams, missing file', async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, 'ctr.log');
    const lines = [`${T(1)} stdout F one`, `${T(2)} stderr F two`, `${T(3)} stdout P thr`, `${T(3)} stdout F ee`, `${T(4)} stdout F four`, `${T(5)} stdout P prompt> `];
    await writeFile(file, lines.join('\n') + '\n');
    assert.deepEqual(await all(file), [['stdout', 'one', true], ['stderr', 'two', true], ['stdout', 'three', true], ['stdout', 'four', true], ['stdout', 'prompt> ', false]]);
    assert.deepEqual((await all(file, { tail: 2 })).map((e) => e[1]), ['four', 'prompt> ']);
    assert.deepEqual((await all(file, { tail: 3 })).map((e) => e[1]), ['three', 'four', 'prompt> ']);
    assert.deepEqual((await all(file, { tail: 100 })).length, 5);
    assert.deepEqual(await all(file, { tail: 0 }), []);
    assert.deepEqual((await all(file, { since: new Date('2026-11-27T20:52:02Z'), until: new Date('2026-11-27T20:52:04Z') })).map((e) => e[1]), ['two', 'three']);
    assert.deepEqual((await all(file, { streams: ['stderr'] })).map((e) => e[1]), ['two']);
    assert.deepEqual(await all(path.join(dir, 'none.log')), []);
  });
});

test('tail reads backwards across chunks of a big log', async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, 'big.log');
    const body = Array.from({ length: 20000 }, (_, i) => `${T(i % 60)} stdout F line ${i}`).join('\n') + '\n';
    await writeFile(file, body);
    assert.deepEqual((await all(file, { tail: 3 })).map((e) => e[1]), ['line 19997', 'line 19998', 'line 19999']);
  });
});

test('follow: new lines, a prompt without newline, rotation, and stopWhen', async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, 'ctr.log');
    await writeFile(file, `${T(1)} stdout F before\n`);
    let stop!: () => void;
    const stopWhen = new Promise<void>((r) => (stop = r));
    const got: string[] = [];
    const reading = (async () => {
      for await (const e of readLogs(file, { follow: true, tail: 1, stopWhen, pollMs: 30 })) got.push(e.text + (e.complete ? '' : '<no newline>'));
    })();
    const until = async (n: number) => {
      for (let i = 0; i < 200 && got.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(1);
    await appendFile(file, `${T(2)} stdout F appended\n${T(2)} stdout P $ \n`);
    await until(3);
    // conmon's rotation: a new empty file renamed over the old one.
    await writeFile(file + '.tmp', `${T(3)} stderr F after rotation\n`);
    await rename(file + '.tmp', file);
    await until(4);
    await appendFile(file, `${T(4)} stdout F last\n`);
    stop();
    await reading;
    assert.deepEqual(got, ['before', 'appended', '$ <no newline>', 'after rotation', 'last']);
  });
});

test('follow ends on abort', async () => {
  await withDir(async (dir) => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    assert.deepEqual(await all(path.join(dir, 'not-yet.log'), { follow: true, signal: ac.signal }), []);
  });
});
