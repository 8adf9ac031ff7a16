/**
 * An attached stream (container attach or exec start, already hijacked): copies the output to
 * the CLI's stdout/stderr (demultiplexed unless the process has a TTY) and, when asked, the
 * CLI's stdin to the process, half-closing the connection at EOF so the process sees its stdin
 * end. With a TTY stdin the terminal is raw and the detach keys end the session instead.
 */
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Hijacked } from '../../../api/client';
import { StdDemuxer } from '../../../api/stdcopy';
import { DetachKeyMatcher } from './detach-keys';
import { enterRawMode } from './terminal';

export interface SessionOptions {
  /** The process has a TTY: output is raw bytes, not frames. */
  tty: boolean;
  /** Forward the CLI's stdin. */
  stdin: boolean;
  detachKeys: Buffer;
}

export type SessionEnd = 'ended' | 'detached';

/** Writes to `out` and waits for its 'drain', so a slow terminal slows the socket. */
function rawSink(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (out.write(chunk)) done();
      else out.once('drain', () => done());
    },
  });
}

export class StreamSession {
  private restoreTerminal: () => void = () => undefined;
  private stopInput: () => void = () => undefined;

  constructor(
    private readonly io: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
    private readonly stream: Hijacked,
    private readonly options: SessionOptions,
  ) {}

  /**
   * Call before the process starts (the terminal must be raw before the first prompt arrives).
   * Resolves when the output ends or the user typed the detach keys; always restores the terminal.
   */
  async run(): Promise<SessionEnd> {
    const { socket, head } = this.stream;
    const sink = this.options.tty ? rawSink(this.io.stdout) : new StdDemuxer(this.io.stdout, this.io.stderr);
    let detach: () => void = () => undefined;
    const detached = new Promise<SessionEnd>((resolve) => (detach = () => resolve('detached')));
    // A reset after the process exited is an ordinary end for the user; end the sink either way.
    const endSink = () => {
      if (!sink.writableEnded) sink.end();
    };
    socket.on('error', endSink);
    socket.on('close', endSink);
    if (head.length) sink.write(head);
    socket.pipe(sink);
    if (this.options.stdin) this.forwardInput(detach);
    try {
      return await Promise.race([finished(sink).then((): SessionEnd => 'ended'), detached]);
    } finally {
      this.close();
    }
  }

  /** Stops input, restores the terminal and drops the connection. Safe to call twice. */
  close(): void {
    this.stopInput();
    this.restoreTerminal();
    this.stream.socket.destroy();
  }

  private forwardInput(detach: () => void): void {
    const { stdin } = this.io;
    const { socket } = this.stream;
    // Detach keys only in a raw terminal, as docker: piped input is data and must pass unchanged.
    const raw = !!stdin.isTTY && this.options.tty;
    if (raw) this.restoreTerminal = enterRawMode(stdin);
    const matcher = raw ? new DetachKeyMatcher(this.options.detachKeys) : undefined;
    const onData = (chunk: Buffer) => {
      let data = chunk;
      if (matcher) {
        const r = matcher.push(chunk);
        data = r.forward;
        if (r.detach) {
          if (data.length) socket.write(data);
          detach();
          return;
        }
      }
      if (data.length && !socket.write(data)) {
        stdin.pause();
        socket.once('drain', () => stdin.resume());
      }
    };
    const onEnd = () => {
      if (!socket.destroyed) socket.end();
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.resume();
    this.stopInput = () => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      // A paused stdin no longer holds the event loop, so the CLI can exit.
      stdin.pause();
    };
  }
}
