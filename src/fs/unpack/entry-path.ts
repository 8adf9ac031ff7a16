/**
 * What a tar entry's name means: a clean path relative to the layer root, and whether it is an
 * OCI whiteout. The rules (DESIGN.md section 6: a layer never writes outside its snapshot):
 * - leading `/` and `./` are dropped, as containerd and Docker do (a layer's `/etc/x` is the
 *   image's /etc/x, never the host's);
 * - any `..` component is refused outright, even one that would stay inside (`a/../b`): no
 *   legitimate layer writer produces it, and refusing is simpler to trust than clamping;
 * - NUL bytes, components over 255 bytes and paths over 4095 bytes are refused (the kernel's
 *   NAME_MAX and PATH_MAX), so the error is ours and clear, not an ENAMETOOLONG midway.
 */
import { errors } from '../../errors';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** aufs' metadata (`.wh..wh.plnk`, `.wh..wh.aufs`): meaningless outside aufs, skipped as Docker does. */
const AUFS_META_PREFIX = '.wh..wh.';
const NAME_MAX = 255;
const PATH_MAX = 4095;

/** Normalises an entry name; '' is the layer root. InvalidArgument for anything unsafe. */
export function normalizeEntryPath(name: string, what = 'entry'): string {
  if (name.includes('\0')) throw unsafe(name, what, 'contains a NUL byte');
  if (Buffer.byteLength(name) > PATH_MAX) throw unsafe(name, what, `is longer than ${PATH_MAX} bytes`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw unsafe(name, what, 'has a ".." component');
    if (Buffer.byteLength(part) > NAME_MAX) throw unsafe(name, what, `has a component longer than ${NAME_MAX} bytes`);
    parts.push(part);
  }
  return parts.join('/');
}

export type EntryKind =
  | { kind: 'regular'; path: string }
  /** Delete `target` (a sibling of the marker) from the layers below. */
  | { kind: 'whiteout'; target: string }
  /** Hide everything the layers below hold under `dir`. */
  | { kind: 'opaque'; dir: string }
  | { kind: 'aufs-meta'; path: string };

/** Classifies a normalised path. */
export function classifyEntry(path: string): EntryKind {
  const parts = path === '' ? [] : path.split('/');
  const base = parts.at(-1) ?? '';
  const parent = parts.slice(0, -1).join('/');
  if (parts.slice(0, -1).some((p) => p.startsWith(AUFS_META_PREFIX))) return { kind: 'aufs-meta', path };
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir: parent };
  if (base.startsWith(AUFS_META_PREFIX)) return { kind: 'aufs-meta', path };
  if (base.startsWith(WHITEOUT_PREFIX)) {
    const name = base.slice(WHITEOUT_PREFIX.length);
    // `.wh.` alone names nothing; `.wh..` would delete the parent through its own child.
    if (name === '' || name === '.' || name === '..') throw unsafe(path, 'whiteout', `"${base}" names no sibling`);
    return { kind: 'whiteout', target: parent === '' ? name : `${parent}/${name}` };
  }
  return { kind: 'regular', path };
}

/** The parent of a normalised path ('' for a top-level entry). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Every proper prefix of a normalised path, shortest first: `a/b/c` → `a`, `a/b`. */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

function unsafe(name: string, what: string, reason: string) {
  const shown = name.length > 200 ? `${name.slice(0, 200)}…` : name;
  return errors.invalidArgument(`layer ${what} "${shown}" ${reason}`, { details: { entry: shown } });
}
