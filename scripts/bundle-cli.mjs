// The CLI as one file: `npm run build` runs this after tsc. src/bin/forgeone.ts (the launcher)
// runs dist/src/bin/forgeone.bundle.js with V8's code cache instead of ~25 compiled modules:
// module resolution and compilation were a third of each command's own start-up (bench/README.md).
// The daemon's code stays out (`../main` is loaded from the compiled tree by `forgeone daemon`).
// Then one `--help` run writes the code cache (it compiles every command's registration).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outDir = path.join(root, 'dist/src/bin');
const outfile = path.join(outDir, 'forgeone.bundle.js');

for (const f of readdirSync(outDir)) if (f.startsWith('forgeone.bundle.js.') && f.endsWith('.cache')) rmSync(path.join(outDir, f));
await build({
  entryPoints: [path.join(root, 'src/bin/cli-entry.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['../main'],
  logLevel: 'warning',
});
const launcher = path.join(outDir, 'forgeone.js');
chmodSync(launcher, 0o755);
const primed = spawnSync(process.execPath, [launcher, '--help'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (primed.status !== 0) {
  console.error(`bundle-cli: \`forgeone --help\` from the bundle failed (${primed.status ?? primed.signal})`);
  process.exit(1);
}
