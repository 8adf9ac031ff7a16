/** The 12-hex-digit short form of an ID or digest, in a module of its own so the CLI can use it without loading node:crypto. */
export function shortId(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}
