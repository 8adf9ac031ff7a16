/**
 * Which extended attributes from a layer's PAX records are written to disk.
 *
 * Kept: `user.*` (application data), `security.capability` (file capabilities: `ping`,
 * `newuidmap` and friends need them, and images carry them), and POSIX ACLs
 * (`system.posix_acl_access`, `system.posix_acl_default`).
 * Dropped: every `trusted.*` (root-only, and `trusted.overlay.*` in a layer would let an image
 * forge whiteouts, opaque dirs or redirects in the overlay beneath the OCI format's own rules),
 * other `security.*` (SELinux labels belong to the host's policy; IMA/EVM are signatures made on
 * the build host), and anything else unknown.
 * The kernel only allows `user.*` on regular files and directories, and capabilities only mean
 * something on regular files, so those are also dropped on other entry types rather than failing.
 */
import type { TarEntryType } from './tar-reader';

export type XattrPolicy = (name: string, type: TarEntryType) => boolean;

const ACLS = new Set(['system.posix_acl_access', 'system.posix_acl_default']);

export const defaultXattrPolicy: XattrPolicy = (name, type) => {
  if (name.startsWith('user.')) return type === 'file' || type === 'dir';
  if (name === 'security.capability') return type === 'file';
  if (ACLS.has(name)) return type !== 'symlink' && (name !== 'system.posix_acl_default' || type === 'dir');
  return false;
};
