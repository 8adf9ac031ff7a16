/**
 * Forwards a task's stdio over conmon's attach socket. Each message conmon sends starts with one
 * byte naming the stream (2 stdout, 3 stderr; a TTY has only stdout); what we send is raw stdin.
 * Half-closing our side tells conmon stdin ended (it closes the task's stdin unless it was started
 * with --leave-stdin-open).
 */
import type { AttachSession, AttachStreams } from '../types';
import { connectSeqpacket, type SeqpacketSocket } from './seqpacket';

export const STREAM_STDOUT = 2;
export const STREAM_STDERR = 3;
/** conmon reads at most 32 KiB - 1 per message; stay well below so nothing is truncated. */
const MAX_STDIN_MESSAGE = 8192;

/** Which stream a message belongs to, and its payload (pure, for tests). */
export function demuxMessage(msg: Buffer): { stream: 'stdout' | 'stderr' | undefined; payload: Buffer } {
  const id = msg[0];
  const stream = id === STREAM_STDOUT ? 'stdout' : id === STREAM_STDERR ? 'stderr' : undefined;
  return { stream, payload: msg.subarray(1) };
}

export function chunkStdin(data: Buffer, max = MAX_STDIN_MESSAGE): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; off += max) out.push(data.subarray(off, off + max));
  return out;
}

export async function attachSocket(socketPath: string, streams: AttachStreams): Promise<AttachSession> {
  const socket = await connectSeqpacket(socketPath);
  return forward(socket, streams);
}

/** The part of a SEQPACKET socket `forward` uses (a seam for tests). */
export type AttachSocket = Pick<SeqpacketSocket, 'on' | 'write' | 'end' | 'destroy'>;

export function forward(socket: AttachSocket, streams: AttachStreams): AttachSession {
  let finished = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const stdin = streams.stdin;

  const finish = () => {
    if (finished) return;
    finished = true;
    if (stdin) {
      stdin.off('data', onStdin);
      stdin.off('end', onStdinEnd);
      stdin.pause();
    }
    socket.destroy();
    resolveDone();
  };

  socket.on('data', (msg: Buffer) => {
    const { stream, payload } = demuxMessage(msg);
    if (!payload.length) return;
    if (stream === 'stderr' && streams.stderr) streams.stderr.write(payload);
    else if (stream && streams.stdout) streams.stdout.write(payload);
  });
  // conmon closing the socket (the task exited) may surface as an error (EBADF) rather than 'end'.
  socket.on('error', () => finish());
  socket.on('close', () => finish());
  socket.on('end', () => finish());

  function onStdin(chunk: Buffer | string) {
    if (finished) return;
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const parts = chunkStdin(data);
    let pending = parts.length;
    if (!pending) return;
    stdin!.pause();
    for (const part of parts) {
      try {
        socket.write(part, 0, part.length, () => {
          if (--pending === 0 && !finished) stdin!.resume();
        });
      } catch {
        return finish();
      }
    }
  }
  function onStdinEnd() {
    if (finished) return;
    try {
      socket.end();
    } catch {
      // already closed: the task is gone
    }
  }
  if (stdin) {
    stdin.on('data', onStdin);
    stdin.once('end', onStdinEnd);
    if (stdin.readableEnded) onStdinEnd();
    else stdin.resume();
  }
  return { done, detach: finish };
}
