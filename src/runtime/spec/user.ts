/**
 * The user a container's process runs as, from `-u`/the image's User, resolved against the
 * image's /etc/passwd and /etc/group the way runc's GetExecUser does (and so Docker):
 * - `uid` or `name`, optionally `:gid` or `:group`; empty means root;
 * - a name must exist in passwd (and a group name in group); a numeric uid need not, and then
 *   its gid defaults to 0;
 * - without an explicit group, the primary gid comes from passwd and the supplementary gids
 *   from the groups listing the user as a member; with one, there are none.
 */
import { errors } from '../../errors';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids?: number[];
}

interface PasswdEntry { name: string; uid: number; gid: number }
interface GroupEntry { name: string; gid: number; members: string[] }

/** Largest valid id: 2^32 - 2 ((uid_t)-1 means "no change" to the kernel). */
const MAX_ID = 4294967294;

function parseId(s: string): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  if (n > MAX_ID) throw errors.invalidArgument(`user or group id ${s} is out of range`);
  return n;
}

/** Entries of an /etc/passwd text; malformed lines are skipped, as libc skips them. */
export function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#')) return [];
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    return Number.isInteger(uid) && Number.isInteger(gid) && f[2] !== '' ? [{ name: f[0]!, uid, gid }] : [];
  });
}

export function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 3 || line.startsWith('#') || f[2] === '') return [];
    const gid = Number(f[2]);
    const members = (f[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean);
    return Number.isInteger(gid) ? [{ name: f[0]!, gid, members }] : [];
  });
}

export interface UserFiles {
  /** Contents of the image's /etc/passwd, when it has one. */
  passwd?: string;
  /** Contents of the image's /etc/group, when it has one. */
  group?: string;
}

export function resolveUser(spec: string | undefined, files: UserFiles = {}): ResolvedUser {
  const value = (spec ?? '').trim();
  if (value === '') return { uid: 0, gid: 0 };
  const colon = value.indexOf(':');
  const userPart = colon < 0 ? value : value.slice(0, colon);
  const groupPart = colon < 0 ? undefined : value.slice(colon + 1);
  if (userPart === '' || groupPart === '') throw errors.invalidArgument(`invalid user "${value}": expected user[:group]`);

  const passwd = parsePasswd(files.passwd ?? '');
  const numericUid = parseId(userPart);
  const entry = numericUid === undefined ? passwd.find((p) => p.name === userPart) : passwd.find((p) => p.uid === numericUid);
  if (numericUid === undefined && !entry) {
    throw errors.invalidArgument(`unable to find user ${userPart}: no matching entries in passwd file`, {
      hint: 'use a numeric uid, or a user that exists in the image',
      details: { user: userPart },
    });
  }
  const uid = numericUid ?? entry!.uid;
  const groups = parseGroup(files.group ?? '');

  if (groupPart !== undefined) {
    const numericGid = parseId(groupPart);
    if (numericGid !== undefined) return { uid, gid: numericGid };
    const group = groups.find((g) => g.name === groupPart);
    if (!group) {
      throw errors.invalidArgument(`unable to find group ${groupPart}: no matching entries in group file`, {
        hint: 'use a numeric gid, or a group that exists in the image',
        details: { group: groupPart },
      });
    }
    return { uid, gid: group.gid };
  }

  const gid = entry?.gid ?? 0;
  const name = entry?.name;
  const additional = name === undefined ? [] : [...new Set(groups.filter((g) => g.members.includes(name)).map((g) => g.gid))];
  return additional.length ? { uid, gid, additionalGids: additional } : { uid, gid };
}
