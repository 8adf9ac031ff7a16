/**
 * `-e`, `--env-file` and `--label` as the docker CLI reads them: `KEY=VALUE` literally (no
 * quote processing), a bare `KEY` takes the CLI's own value (dropped when unset), `#` lines and
 * blank lines of env files are skipped.
 */
import { ForgeError } from '../../../errors';

/** One `-e` value or env-file line → `KEY=VALUE`, or undefined when a bare KEY is unset. */
export function parseEnvEntry(entry: string, env: NodeJS.ProcessEnv, where = '-e'): string | undefined {
  const eq = entry.indexOf('=');
  const key = eq < 0 ? entry : entry.slice(0, eq);
  if (!key) throw new ForgeError('InvalidArgument', `invalid environment variable "${entry}" (${where}): the name is empty`);
  if (/\s/.test(key)) throw new ForgeError('InvalidArgument', `environment variable "${key}" (${where}) contains whitespace`);
  if (eq >= 0) return entry;
  const value = env[key];
  return value === undefined ? undefined : `${key}=${value}`;
}

/** The text of an env file → `KEY=VALUE` entries, in order. */
export function parseEnvFile(text: string, env: NodeJS.ProcessEnv, file = 'env file'): string[] {
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trimStart();
    if (!line || line.startsWith('#')) return;
    const entry = parseEnvEntry(line, env, `${file} line ${index + 1}`);
    if (entry !== undefined) out.push(entry);
  });
  return out;
}

/** `--label k=v` (or a bare `k`, an empty value) → a record; later labels win. */
export function parseLabels(values: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const key = eq < 0 ? value : value.slice(0, eq);
    if (!key) throw new ForgeError('InvalidArgument', `invalid label "${value}": the key is empty`);
    labels[key] = eq < 0 ? '' : value.slice(eq + 1);
  }
  return labels;
}
