import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { encodeFrame, FrameDecoder, muxWriter, StdDemuxer, STDERR, STDOUT, SYSTEMERR } from '../../../src/api/stdcopy';
import { ForgeError } from '../../../src/errors';

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return { stream: new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c), done()) }), text: () => Buffer.concat(chunks).toString() };
}

/** Cuts a buffer into pieces of the given sizes (the rest in one last piece). */
function cut(buf: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(buf.subarray(at, at + s));
    at += s;
  }
  if (at < buf.length) out.push(buf.subarray(at));
  return out;
}

describe('stdcopy', () => {
  const stream = Buffer.concat([
    encodeFrame(STDOUT, Buffer.from('hello ')),
    encodeFrame(STDERR, Buffer.from('oops\n')),
    encodeFrame(STDOUT, Buffer.alloc(0)),
    encodeFrame(STDOUT, Buffer.from('world\n')),
  ]);

  it('encodes the 8-byte header: stream, three zero bytes, big-endian length', () => {
    const f = encodeFrame(STDERR, Buffer.from('abc'));
    assert.deepEqual([...f.subarray(0, 8)], [2, 0, 0, 0, 0, 0, 0, 3]);
    assert.equal(f.subarray(8).toString(), 'abc');
  });

  it('decodes frames split at every possible byte, headers included', () => {
    for (let a = 1; a < stream.length; a++) {
      for (const b of [1, 3, 7]) {
        const d = new FrameDecoder();
        const frames = cut(stream, [a, b]).flatMap((c) => d.push(c));
        assert.deepEqual(
          frames.map((f) => [f.stream, f.payload.toString()]),
          [
            [STDOUT, 'hello '],
            [STDERR, 'oops\n'],
            [STDOUT, ''],
            [STDOUT, 'world\n'],
          ],
          `split at ${a},${b}`,
        );
        assert.equal(d.buffered, 0);
      }
    }
  });

  it('demultiplexes a stream fed one byte at a time to stdout and stderr', async () => {
    const out = sink();
    const err = sink();
    const source = new PassThrough();
    const done = pipeline(source, new StdDemuxer(out.stream, err.stream));
    for (const byte of stream) source.write(Buffer.from([byte]));
    source.end();
    await done;
    assert.equal(out.text(), 'hello world\n');
    assert.equal(err.text(), 'oops\n');
  });

  it('fails on a daemon error frame and on a stream that is not multiplexed', async () => {
    const bad = async (data: Buffer) => {
      const source = new PassThrough();
      const p = pipeline(source, new StdDemuxer(sink().stream, sink().stream));
      source.end(data);
      await assert.rejects(p, (e: unknown) => e instanceof ForgeError);
    };
    await bad(encodeFrame(SYSTEMERR, Buffer.from('container gone')));
    await bad(Buffer.from('plain text, not frames'));
  });

  it('muxWriter frames each write; two writers share one target and round-trip', async () => {
    const wire = new PassThrough();
    const out = muxWriter(wire, STDOUT);
    const err = muxWriter(wire, STDERR);
    out.write('one ');
    err.write('two');
    out.write(Buffer.alloc(0));
    out.end('three');
    await new Promise((r) => out.on('finish', r));
    err.end();
    wire.end();
    const d = new FrameDecoder();
    const frames: Array<[number, string]> = [];
    for await (const c of wire) for (const f of d.push(c as Buffer)) frames.push([f.stream, f.payload.toString()]);
    assert.deepEqual(frames, [
      [STDOUT, 'one '],
      [STDERR, 'two'],
      [STDOUT, 'three'],
    ]);
  });

  it('muxWriter waits for the target to drain', async () => {
    const slow = new PassThrough({ highWaterMark: 4 });
    const w = muxWriter(slow, STDOUT);
    let finished = false;
    w.end('0123456789', () => (finished = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(finished, false, 'held back until the target drains');
    const got: Buffer[] = [];
    slow.on('data', (c: Buffer) => got.push(c));
    await new Promise((r) => w.on('finish', r));
    assert.equal(Buffer.concat(got).subarray(8).toString(), '0123456789');
  });
});
