/** The CLI's version, read from package.json once. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

function readVersion(): string {
  for (const candidate of [path.join(__dirname, '..', '..', '..', 'package.json'), path.join(__dirname, '..', '..', 'package.json')]) {
    try {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'forgeone' && pkg.version) return pkg.version;
    } catch {
      // try the next location (dist/ vs source layout)
    }
  }
  return '0.0.0-unknown';
}

export const CLI_VERSION = readVersion();
