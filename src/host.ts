/** Where the init for `--init` (catatonit) lives on this host, read once at start by src/main.ts. */
import { existsSync } from 'node:fs';

export function findInit(): string | undefined {
  for (const candidate of ['/usr/bin/catatonit', '/usr/libexec/podman/catatonit', '/usr/local/bin/catatonit']) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
