#!/usr/bin/env node
/**
 * Entry point of the `forgeone` command. It keeps start-up cheap: the daemon's code is loaded
 * only for `forgeone daemon`.
 */
import { runCli } from '../cli/main';

runCli(process.argv.slice(2), {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  runDaemon: (options) => (require('../main') as typeof import('../main')).runDaemon(options),
  entryScript: __filename,
  stdout: process.stdout,
  stderr: process.stderr,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`forgeone: unexpected failure: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 125;
  },
);
