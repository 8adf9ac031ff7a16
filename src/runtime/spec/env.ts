/**
 * The container's environment, built as Docker builds it: PATH (a default, unless the image or
 * user set one), HOSTNAME, TERM=xterm with a TTY, then the image's Env overlaid by the user's.
 * A later KEY=… replaces an earlier one in place, so the order stays stable.
 */

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface EnvInput {
  imageEnv?: readonly string[] | null;
  userEnv?: readonly string[];
  hostname: string;
  tty: boolean;
}

const keyOf = (entry: string): string => {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
};

/** Appends each entry, replacing an entry with the same key where it stands. */
export function overlayEnv(base: readonly string[], overrides: readonly string[]): string[] {
  const out = [...base];
  const index = new Map(out.map((e, i) => [keyOf(e), i]));
  for (const entry of overrides) {
    // "KEY" alone (no "=") carries no value: the OCI runtime would pass it as is, which
    // execve accepts but getenv ignores. Drop it rather than ship a malformed entry.
    if (!entry.includes('=')) continue;
    const at = index.get(keyOf(entry));
    if (at === undefined) {
      index.set(keyOf(entry), out.length);
      out.push(entry);
    } else {
      out[at] = entry;
    }
  }
  return out;
}

export function buildEnv(input: EnvInput): string[] {
  const base = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${input.hostname}`];
  if (input.tty) base.push('TERM=xterm');
  return overlayEnv(overlayEnv(base, input.imageEnv ?? []), input.userEnv ?? []);
}
