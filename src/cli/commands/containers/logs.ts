/**
 * `logs`: a container's output from the daemon, demultiplexed to stdout and stderr (raw for a
 * TTY container: the response's Content-Type says which), following with -f until it exits.
 */
import type { Command } from 'commander';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { MULTIPLEXED_CONTENT_TYPE, StdDemuxer } from '../../../api/stdcopy';
import type { CliContext } from '../../context';
import { containerPath } from './paths';
import { parseInteger, parseTimestamp } from './units';

interface LogsOptions {
  follow?: boolean;
  tail?: string;
  since?: string;
  until?: string;
  timestamps?: boolean;
}

async function logsAction(ctx: CliContext, name: string, opts: LogsOptions): Promise<void> {
  const tail = opts.tail === undefined || opts.tail === 'all' ? 'all' : String(parseInteger(opts.tail, '--tail', { min: 0 }));
  const since = opts.since === undefined ? undefined : parseTimestamp(opts.since, '--since');
  const until = opts.until === undefined ? undefined : parseTimestamp(opts.until, '--until');
  const client = await ctx.client();
  const res = await client.request('GET', containerPath(name, '/logs'), {
    query: { follow: opts.follow, stdout: true, stderr: true, tail, since, until, timestamps: opts.timestamps },
  });
  const multiplexed = String(res.headers['content-type'] ?? '').startsWith(MULTIPLEXED_CONTENT_TYPE);
  const sink = multiplexed
    ? new StdDemuxer(ctx.out, ctx.err)
    : new Writable({
        write(chunk: Buffer, _encoding, done) {
          if (ctx.out.write(chunk)) done();
          else ctx.out.once('drain', () => done());
        },
      });
  await pipeline(res, sink);
}

export function registerLogs(parent: Command, ctx: CliContext): void {
  parent
    .command('logs <container>')
    .description("show a container's output")
    .option('-f, --follow', 'keep following the output')
    .option('-n, --tail <n>', "lines from the end to show ('all' by default)")
    .option('--since <time>', 'only since this time: a duration like 10m, unix seconds, or a date')
    .option('--until <time>', 'only until this time (same forms as --since)')
    .option('-t, --timestamps', 'show timestamps')
    .action((name: string, opts: LogsOptions) => logsAction(ctx, name, opts));
}
