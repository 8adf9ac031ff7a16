/**
 * Docker clients send every field of a request struct, most at their zero value (Go's
 * `"", 0, false, null, [], {}`). A field ForgeOne does not support is refused only when it
 * asks for something: `isZero` tells the difference.
 */
export function isZero(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>).every(isZero);
  return false;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
