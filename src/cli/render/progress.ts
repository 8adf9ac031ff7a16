/**
 * Renders a JSON-lines progress stream as `docker pull` does: on a terminal one line per layer,
 * redrawn in place with a bar; when piped, one plain line per state change (no byte ticks);
 * nothing when quiet.
 */
import { humanSize } from '../../util/format';
import type { ProgressEvent } from '../../util/progress';

export type ProgressMode = 'tty' | 'plain' | 'quiet';

export function progressMode(stream: NodeJS.WriteStream, quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  return stream.isTTY ? 'tty' : 'plain';
}

const TICK_STATUSES = new Set(['Downloading', 'Pushing', 'Extracting', 'Loading']);

export class ProgressRenderer {
  private readonly lines: string[] = [];
  private readonly lastStatus = new Map<string, string>();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly mode: ProgressMode,
  ) {}

  render(event: ProgressEvent): void {
    if (this.mode === 'quiet' || event.aux) return;
    if (this.mode === 'plain') return this.plain(event);
    if (!event.id) {
      this.out.write(`${event.status}\n`);
      // Lines above are now history; new layer lines start below.
      this.lines.length = 0;
      return;
    }
    const text = `${event.id}: ${event.status}${this.detail(event)}`;
    const index = this.lines.indexOf(event.id);
    if (index < 0) {
      this.lines.push(event.id);
      this.out.write(`${text}\n`);
      return;
    }
    const up = this.lines.length - index;
    this.out.write(`\x1b[${up}A\r\x1b[2K${text}\r\x1b[${up}B`);
  }

  private plain(event: ProgressEvent): void {
    if (!event.id) {
      this.out.write(`${event.status}\n`);
      return;
    }
    if (TICK_STATUSES.has(event.status) && this.lastStatus.get(event.id) === event.status) return;
    this.lastStatus.set(event.id, event.status);
    this.out.write(`${event.id}: ${event.status}\n`);
  }

  private detail(event: ProgressEvent): string {
    const d = event.progressDetail;
    if (!d?.total || d.current === undefined) return '';
    const width = 40;
    const filled = Math.min(width, Math.floor((d.current / d.total) * width));
    const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? '>' : '') + ' '.repeat(width - filled);
    return ` [${bar}] ${humanSize(d.current)}/${humanSize(d.total)}`;
  }
}
