/** `forgeone daemon`: runs the daemon in the foreground (the entry point injects it). */
import type { Command } from 'commander';
import type { CliContext } from '../context';

export function registerDaemonCommand(program: Command, ctx: CliContext): void {
  program
    .command('daemon')
    .description('run the ForgeOne daemon in the foreground')
    .option('--log-level <level>', 'debug, info, warn or error')
    .action(async (opts: { logLevel?: string }) => {
      const settings = ctx.settings();
      await ctx.deps.runDaemon({ root: settings.root, runroot: settings.runroot, config: settings.config, logLevel: opts.logLevel });
    });
}
