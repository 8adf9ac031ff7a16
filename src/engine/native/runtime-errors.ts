/**
 * The one map from what crun, runc and conmon print to ForgeError codes. The command-not-found
 * and not-executable cases carry `details.reason` so the CLI can exit 127/126 as Docker does.
 */
import { ForgeError } from '../../errors';

export type RuntimeFailureReason =
  | 'command-not-found'
  | 'command-not-executable'
  | 'not-running'
  | 'not-found'
  | 'already-exists'
  | 'cgroups-hybrid'
  | 'rlimit'
  | 'runtime-missing';

interface Rule {
  reason: RuntimeFailureReason;
  code: ForgeError['code'];
  test: RegExp;
  hint?: string;
}

// Order matters: the first match wins. Messages seen from crun 1.8 and runc 1.1 (see tests).
const RULES: Rule[] = [
  // crun: "executable file `nope` not found in $PATH: No such file or directory"
  // runc: "exec: \"nope\": executable file not found in $PATH", "exec: \"/bin/nope\": stat /bin/nope: no such file or directory"
  { reason: 'command-not-found', code: 'InvalidArgument', test: /executable file .*not found|exec: .*no such file or directory|execv?p? .*: no such file or directory/i },
  // crun: "open executable: Permission denied" (a file without x) / "Operation not permitted" (a directory)
  // runc: "exec: \"/etc\": permission denied"
  { reason: 'command-not-executable', code: 'InvalidArgument', test: /open executable: (permission denied|operation not permitted)|exec: .*permission denied|execv?p? .*: permission denied/i },
  {
    reason: 'cgroups-hybrid',
    code: 'FailedPrecondition',
    test: /cgroups in hybrid mode not supported/i,
    hint: 'the daemon moves cgroup2 controllers to v1 at start (cgroups "auto"); or run: mkdir -p /sys/fs/cgroup/hugetlb && mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb',
  },
  {
    reason: 'rlimit',
    code: 'InvalidArgument',
    test: /setrlimit .*operation not permitted/i,
    hint: 'an rlimit in the spec is above the daemon\'s own hard limit; lower it (ulimit -Hn shows the limit)',
  },
  {
    reason: 'runtime-missing',
    code: 'FailedPrecondition',
    test: /cannot run \S*conmon|runtime path .* is not valid|spawn \S+ ENOENT/i,
    hint: 'install the container runtime: apt-get install conmon crun runc (or set its path in the daemon config)',
  },
  { reason: 'not-running', code: 'FailedPrecondition', test: /not running|open pidfd: no such process|process already finished|cannot exec in a stopped container/i },
  { reason: 'already-exists', code: 'AlreadyExists', test: /already exists|file exists/i },
  { reason: 'not-found', code: 'NotFound', test: /container does not exist|error opening file `[^`]*\/status`: no such file or directory|does not exist/i },
];

/** Tidies runc's logrus lines (`time=… level=error msg="…"`) and conmon's prefixes to the message alone. */
export function cleanRuntimeMessage(raw: string): string {
  const lines = raw
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /level=\w+ msg="((?:[^"\\]|\\.)*)"/.exec(l);
      return m ? m[1].replace(/\\(.)/g, '$1') : l;
    });
  return lines.join('; ');
}

export function classifyRuntimeFailure(raw: string): { reason?: RuntimeFailureReason; code: ForgeError['code']; hint?: string } {
  const message = cleanRuntimeMessage(raw);
  for (const rule of RULES) {
    if (rule.test.test(message)) return { reason: rule.reason, code: rule.code, hint: rule.hint };
  }
  return { code: 'Internal' };
}

/** A ForgeError for a failed runtime or conmon call: `<what> failed: <runtime's message>`. */
export function runtimeError(what: string, raw: string, details: Record<string, unknown> = {}): ForgeError {
  const message = cleanRuntimeMessage(raw) || 'no message';
  const c = classifyRuntimeFailure(raw);
  return new ForgeError(c.code, `${what}: ${message}`, {
    hint: c.hint,
    details: { ...details, ...(c.reason ? { reason: c.reason } : {}), runtimeMessage: message },
  });
}
