/**
 * The `forgeone` command: global options, one file per command under commands/, and the one
 * place where errors become messages and exit codes.
 */
import { Command, CommanderError } from 'commander';
import { ForgeError, toForgeError } from '../errors';
import { CliContext, type CliDeps } from './context';
import { EXIT_USAGE, exitCodeOf } from './exit-codes';
import { registerImageCommands } from './commands/images';
import { registerRegistryCommands } from './commands/registry';
import { registerArchiveCommands } from './commands/archive';
import { registerSystemCommands } from './commands/system';
import { registerDaemonCommand } from './commands/daemon';
import { registerContainerCommands } from './commands/containers/register';
import { registerWasmCommands } from './commands/wasm';
import { registerStats } from './commands/stats';
import { registerNetworkCommands } from './commands/networks';
import { CLI_VERSION } from './version';

export function createProgram(deps: CliDeps): { program: Command; ctx: CliContext } {
  const program = new Command('forgeone');
  program
    .description('ForgeOne: a secure, multi-engine container runtime')
    .version(CLI_VERSION, '-v, --version', 'print the CLI version')
    .option('-H, --host <socket>', 'daemon socket (unix:///path or a path; env FORGEONE_HOST)')
    .option('--root <dir>', 'data root of the daemon (env FORGEONE_ROOT)', undefined)
    .option('--runroot <dir>', 'runtime state dir of the daemon (env FORGEONE_RUNROOT)', undefined)
    .option('--config <file>', 'daemon config file for an autostarted daemon (env FORGEONE_CONFIG)')
    .option('-D, --debug', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // Like docker, global options go before the command, so `run IMAGE CMD -v` leaves `-v` to CMD.
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => deps.stdout.write(s), writeErr: (s) => deps.stderr.write(s) });
  const ctx = new CliContext(program, deps);
  registerImageCommands(program, ctx);
  registerRegistryCommands(program, ctx);
  registerArchiveCommands(program, ctx);
  registerSystemCommands(program, ctx);
  registerDaemonCommand(program, ctx);
  registerContainerCommands(program, ctx);
  registerWasmCommands(program, ctx);
  registerStats(program, ctx);
  registerNetworkCommands(program, ctx);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return { program, ctx };
}

/** Runs the CLI; resolves to the process exit code. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const { program, ctx } = createProgram(deps);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT_USAGE;
    }
    const e = toForgeError(err);
    deps.stderr.write(`Error: ${e.message}\n`);
    if (e.hint) deps.stderr.write(`Hint: ${e.hint}\n`);
    if (program.opts().debug || process.env.FORGEONE_DEBUG === '1') {
      deps.stderr.write(`${(err as Error).stack ?? ''}\n`);
      if (!(err instanceof ForgeError)) deps.stderr.write(`(not a ForgeError: this is a bug)\n`);
    }
    return exitCodeOf(e, ctx.exitPolicy);
  }
}
