/** `forgeone daemon`: runs the daemon in the foreground (the entry point injects it). */
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { DAEMON_NODE_OPTIONS, missingDaemonOptions } from '../autostart';

export function registerDaemonCommand(program: Command, ctx: CliContext): void {
  program
    .command('daemon')
    .description('run the ForgeOne daemon in the foreground')
    .option('--log-level <level>', 'debug, info, warn or error')
    .action(async (opts: { logLevel?: string }) => {
      const settings = ctx.settings();
      // Started by hand or by a service unit without them, the daemon works but holds ~35 MB more.
      const missing = missingDaemonOptions(process.execArgv, process.env.NODE_OPTIONS);
      if (missing.length > 0) {
        ctx.err.write(`forgeone: note: the daemon runs without ${missing.join(' ')}, so it uses more memory; start it as \`node ${DAEMON_NODE_OPTIONS.join(' ')} …/forgeone.js daemon\` (README.md)\n`);
      }
      await ctx.deps.runDaemon({ root: settings.root, runroot: settings.runroot, config: settings.config, logLevel: opts.logLevel });
    });
}
