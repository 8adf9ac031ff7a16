/**
 * One record of a k8s-file log, the format conmon writes and every engine uses:
 *   `<RFC3339Nano> stdout|stderr F|P <text>\n`
 * F ends a line; P is a part of a longer (or not yet ended) line, joined with what follows on the
 * same stream. Pure functions: parse, format, and join partial records into whole lines.
 */

export type LogStream = 'stdout' | 'stderr';

export interface LogRecord {
  /** The timestamp as written (RFC3339 with nanoseconds). */
  timestamp: string;
  time: Date;
  stream: LogStream;
  /** A P record: more of the same line follows. */
  partial: boolean;
  text: string;
}

/** A whole line (partials joined), as `logs` shows it. */
export interface LogEntry {
  /** The timestamp of the line's first record. */
  timestamp: string;
  time: Date;
  stream: LogStream;
  /** Without the line break. */
  text: string;
  /** False for a line that had not ended when it was read (a prompt): print it without a newline. */
  complete: boolean;
}

const RECORD_RE = /^(\S+) (stdout|stderr) ([FP])(?::\S*)?(?: (.*))?$/s;

export function parseK8sLine(line: string): LogRecord | undefined {
  const m = RECORD_RE.exec(line);
  if (!m) return undefined;
  const time = new Date(m[1]);
  if (Number.isNaN(time.getTime())) return undefined;
  return { timestamp: m[1], time, stream: m[2] as LogStream, partial: m[3] === 'P', text: m[4] ?? '' };
}

/** RFC3339Nano in UTC as conmon writes it; `nanos` adds precision below the millisecond. */
export function formatTimestamp(time: Date, nanos = 0): string {
  const iso = time.toISOString(); // 2026-11-27T20:52:25.335Z
  const frac = String(time.getUTCMilliseconds() * 1_000_000 + (nanos % 1_000_000)).padStart(9, '0');
  return `${iso.slice(0, 19)}.${frac}+00:00`;
}

/**
 * Records for a chunk of output: one F per complete line, a trailing P for an unfinished one.
 * For engines that write the log themselves (conmon writes its own).
 */
export function formatK8sRecords(time: Date, stream: LogStream, chunk: string): string {
  const ts = formatTimestamp(time);
  const parts = chunk.split('\n');
  const last = parts.pop()!;
  let out = parts.map((p) => `${ts} ${stream} F ${p}\n`).join('');
  if (last !== '') out += `${ts} ${stream} P ${last}\n`;
  return out;
}

/** Joins P records with what follows on the same stream. */
export class LineAssembler {
  private readonly pending = new Map<LogStream, { first: LogRecord; text: string }>();

  push(rec: LogRecord): LogEntry | undefined {
    const open = this.pending.get(rec.stream);
    if (rec.partial) {
      if (open) open.text += rec.text;
      else this.pending.set(rec.stream, { first: rec, text: rec.text });
      return undefined;
    }
    this.pending.delete(rec.stream);
    const first = open?.first ?? rec;
    return { timestamp: first.timestamp, time: first.time, stream: rec.stream, text: (open?.text ?? '') + rec.text, complete: true };
  }

  hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** Unfinished lines, oldest first, marked incomplete. */
  flush(): LogEntry[] {
    const out = [...this.pending.values()]
      .sort((a, b) => a.first.time.getTime() - b.first.time.getTime())
      .map(({ first, text }) => ({ timestamp: first.timestamp, time: first.time, stream: first.stream, text, complete: false }));
    this.pending.clear();
    return out;
  }
}
