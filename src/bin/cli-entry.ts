/**
 * The `forgeone` command itself, as the launcher (forgeone.ts) runs it: from the one-file bundle
 * scripts/bundle-cli.mjs makes of this module, or from the compiled tree when there is no fresh
 * bundle. The daemon's code is not in the bundle: it is loaded only for `forgeone daemon`.
 */
import * as path from 'node:path';
import { runCli } from '../cli/main';

runCli(process.argv.slice(2), {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved next to this file, bundled or not
  runDaemon: (options) => (require('../main') as typeof import('../main')).runDaemon(options),
  // The launcher, which an autostarted daemon is run through (the bundle sits next to it).
  entryScript: path.join(__dirname, 'forgeone.js'),
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
