/**
 * `--security-opt` values, parsed into what they mean. Defaults are the secure ones:
 * no_new_privileges is on unless `no-new-privileges=false` (Docker's default is off; setuid
 * binaries such as sudo therefore gain nothing in ForgeOne containers), and the default seccomp
 * profile applies unless `seccomp=unconfined` or a profile of the user's.
 * Both separators Docker accepts work: `key=value` and the legacy `key:value`.
 */
import { errors } from '../errors';

export type SeccompChoice =
  | { kind: 'default' }
  | { kind: 'unconfined' }
  /** A path to a JSON profile on the daemon's host. */
  | { kind: 'file'; path: string }
  /** The profile's JSON itself: what the docker CLI sends after reading the file. */
  | { kind: 'inline'; json: string };

export interface SecurityOptions {
  noNewPrivileges: boolean;
  seccomp: SeccompChoice;
  /** `label=disable`: accepted; there is no SELinux labelling to turn off. */
  labelDisabled: boolean;
  /** `apparmor=unconfined`: accepted; ForgeOne applies no AppArmor profile. */
  apparmorUnconfined: boolean;
}

export function defaultSecurityOptions(): SecurityOptions {
  return { noNewPrivileges: true, seccomp: { kind: 'default' }, labelDisabled: false, apparmorUnconfined: false };
}

function invalid(opt: string, why: string): never {
  throw errors.invalidArgument(`invalid --security-opt "${opt}": ${why}`, {
    hint: 'supported: no-new-privileges[=true|false], seccomp=unconfined|<profile.json>, label=disable, apparmor=unconfined',
    details: { securityOpt: opt },
  });
}

function splitOpt(opt: string): [string, string | undefined] {
  // The first "=" wins; a ":" only separates when there is no "=" (a path may contain ":").
  const eq = opt.indexOf('=');
  if (eq >= 0) return [opt.slice(0, eq), opt.slice(eq + 1)];
  const colon = opt.indexOf(':');
  if (colon >= 0) return [opt.slice(0, colon), opt.slice(colon + 1)];
  return [opt, undefined];
}

export function parseSecurityOpts(opts: readonly string[]): SecurityOptions {
  const out = defaultSecurityOptions();
  for (const opt of opts) {
    const [key, value] = splitOpt(opt.trim());
    switch (key) {
      case 'no-new-privileges':
        if (value === undefined || value === 'true') out.noNewPrivileges = true;
        else if (value === 'false') out.noNewPrivileges = false;
        else invalid(opt, 'the value must be true or false');
        break;
      case 'seccomp':
        if (!value) invalid(opt, 'name a profile file or "unconfined"');
        if (value === 'unconfined') out.seccomp = { kind: 'unconfined' };
        else if (value.trimStart().startsWith('{')) out.seccomp = { kind: 'inline', json: value };
        else if (value.startsWith('/')) out.seccomp = { kind: 'file', path: value };
        else invalid(opt, 'a profile path must be absolute (the daemon reads it)');
        break;
      case 'label':
        if (value !== 'disable') invalid(opt, 'SELinux labels are not supported; only label=disable is accepted');
        out.labelDisabled = true;
        break;
      case 'apparmor':
        if (value !== 'unconfined') invalid(opt, 'AppArmor profiles are not supported; only apparmor=unconfined is accepted');
        out.apparmorUnconfined = true;
        break;
      default:
        invalid(opt, `unknown option "${key}"`);
    }
  }
  return out;
}
