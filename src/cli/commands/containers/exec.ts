/**
 * `exec`: create an exec in a running container, start it on a hijacked connection (stdin
 * with -i, a TTY with -t: raw terminal, resize, detach keys as in run), and exit with the
 * process's exit code, read from the exec once its output has ended. -d starts it and leaves.
 */
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiClient } from '../../../api/client';
import type { CliContext } from '../../context';
import { collect } from './create-options';
import { addDetachKeysOption } from './create-options';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys';
import { parseEnvEntry } from './env';
import { containerPath, execPath } from './paths';
import { checkTerminal } from './run';
import { StreamSession } from './session';
import { followWindowSize } from './terminal';

interface ExecOptions {
  interactive?: boolean;
  tty?: boolean;
  detach?: boolean;
  env?: string[];
  user?: string;
  workdir?: string;
  detachKeys?: string;
}

interface ExecInspect {
  ExitCode: number | null;
  Running: boolean;
  Pid: number;
}

/** The exit code, once the daemon has seen the process end (the output can end a little earlier). */
async function exitCodeOf(client: ApiClient, execId: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const info = await client.json<ExecInspect>('GET', execPath(execId, '/json'));
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await sleep(Math.min(200, 10 * (attempt + 1)));
  }
}

async function execAction(ctx: CliContext, container: string, command: string[], opts: ExecOptions): Promise<void> {
  ctx.exitPolicy = 'process';
  const detachKeys = parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS);
  const stdin = !!opts.interactive && !opts.detach;
  const tty = !!opts.tty;
  if (!opts.detach) checkTerminal(tty, stdin);
  const env = (opts.env ?? []).flatMap((e) => parseEnvEntry(e, process.env) ?? []);
  const client = await ctx.client();
  const { Id: execId } = await client.json<{ Id: string }>('POST', containerPath(container, '/exec'), {
    body: {
      Cmd: command,
      Env: env,
      Tty: tty,
      AttachStdin: stdin,
      AttachStdout: !opts.detach,
      AttachStderr: !opts.detach,
      ...(opts.user !== undefined ? { User: opts.user } : {}),
      ...(opts.workdir !== undefined ? { WorkingDir: opts.workdir } : {}),
    },
  });
  if (opts.detach) {
    await client.json('POST', execPath(execId, '/start'), { body: { Detach: true, Tty: tty } });
    return;
  }
  const hijacked = await client.hijack('POST', execPath(execId, '/start'), { body: { Detach: false, Tty: tty } });
  const session = new StreamSession({ stdin: process.stdin, stdout: ctx.out, stderr: ctx.err }, hijacked, { tty, stdin, detachKeys });
  const ended = session.run();
  const stopResize = tty
    ? followWindowSize(ctx.out, (rows, cols) => client.json('POST', execPath(execId, '/resize'), { query: { h: String(rows), w: String(cols) } }))
    : () => undefined;
  try {
    if ((await ended) === 'detached') {
      ctx.err.write('\r\nDetached: the process keeps running.\r\n');
      return;
    }
  } finally {
    stopResize();
  }
  process.exitCode = await exitCodeOf(client, execId);
}

export function registerExec(parent: Command, ctx: CliContext): void {
  addDetachKeysOption(
    parent
      .command('exec <container> <command...>')
      .description('run a command in a running container')
      .option('-i, --interactive', 'keep STDIN open and attach it')
      .option('-t, --tty', 'allocate a pseudo-TTY')
      .option('-d, --detach', 'run the command in the background')
      .option('-e, --env <KEY=VALUE>', 'set an environment variable', collect)
      .option('-u, --user <user[:group]>', 'user name or uid[:gid]')
      .option('-w, --workdir <dir>', 'working directory inside the container')
      .passThroughOptions(),
  ).action((container: string, command: string[], opts: ExecOptions) => execAction(ctx, container, command, opts));
}
