/**
 * Docker's "stdcopy" framing, used by logs and attach of containers without a TTY: stdout and
 * stderr share one byte stream as frames of an 8-byte header (byte 0 the stream: 0 stdin,
 * 1 stdout, 2 stderr, 3 an error of the daemon; bytes 4-7 the payload length, big-endian)
 * followed by the payload. The daemon multiplexes (muxWriter); the CLI demultiplexes
 * (StdDemuxer). Frames may arrive split across chunks at any byte, header included.
 */
import { Writable } from 'node:stream';
import { ForgeError } from '../errors';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
/** A message from the daemon itself (Docker's Systemerr): the stream failed. */
export const SYSTEMERR = 3;
export type StdStream = typeof STDIN | typeof STDOUT | typeof STDERR | typeof SYSTEMERR;

export const HEADER_SIZE = 8;
export const MULTIPLEXED_CONTENT_TYPE = 'application/vnd.docker.multiplexed-stream';
export const RAW_CONTENT_TYPE = 'application/vnd.docker.raw-stream';

/** One frame: header and payload in one buffer (one write keeps a frame whole on the wire). */
export function encodeFrame(stream: StdStream, payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
  frame.writeUInt32BE(0, 0);
  frame.writeUInt8(stream, 0);
  frame.writeUInt32BE(payload.length, 4);
  payload.copy(frame, HEADER_SIZE);
  return frame;
}

export interface Frame {
  stream: StdStream;
  payload: Buffer;
}

/** Cuts a byte stream into frames, keeping the incomplete tail until the next chunk. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER_SIZE) {
      const stream = this.pending.readUInt8(offset);
      if (stream > SYSTEMERR) {
        throw new ForgeError('Internal', `unrecognized stream ${stream} in a multiplexed stream`, {
          hint: 'the daemon sent a raw stream where a multiplexed one was expected',
        });
      }
      const length = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - HEADER_SIZE < length) break;
      const start = offset + HEADER_SIZE;
      frames.push({ stream: stream as StdStream, payload: this.pending.subarray(start, start + length) });
      offset = start + length;
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }

  /** Bytes of a frame not complete yet (non-zero at the end means the stream was cut). */
  get buffered(): number {
    return this.pending.length;
  }
}

/**
 * A Writable that takes the multiplexed stream and writes each payload to `stdout` or `stderr`,
 * waiting for their 'drain' (so a slow terminal slows the daemon, not memory). A SYSTEMERR
 * frame fails the stream with the daemon's message.
 */
export class StdDemuxer extends Writable {
  private readonly decoder = new FrameDecoder();

  constructor(
    private readonly stdout: NodeJS.WritableStream,
    private readonly stderr: NodeJS.WritableStream,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      done(err as Error);
      return;
    }
    void this.deliver(frames).then(() => done(), done);
  }

  override _final(done: (err?: Error | null) => void): void {
    // A cut inside a frame loses at most that frame; it is not worth failing the command for.
    done();
  }

  private async deliver(frames: Frame[]): Promise<void> {
    for (const { stream, payload } of frames) {
      if (stream === SYSTEMERR) throw new ForgeError('Internal', `the daemon reported: ${payload.toString('utf8').trim()}`);
      const target = stream === STDERR ? this.stderr : this.stdout;
      if (payload.length === 0 || stream === STDIN) continue;
      if (!target.write(payload)) await new Promise<void>((resolve) => target.once('drain', resolve));
    }
  }
}

/**
 * A Writable whose writes go to `target` as frames of `stream`; backpressure of the target is
 * passed on. Two muxWriters (stdout and stderr) may share a target: each write is one frame.
 */
export function muxWriter(target: NodeJS.WritableStream, stream: StdStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (chunk.length === 0) return done();
      if (target.write(encodeFrame(stream, chunk))) done();
      else target.once('drain', () => done());
    },
  });
}
