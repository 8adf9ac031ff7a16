/**
 * The process.json of an exec session: the container's process settings (capabilities,
 * no_new_privileges, rlimits, AppArmor/SELinux labels) with the exec's command, environment,
 * working dir, user and terminal. Pure.
 */
import type { RuntimeProcess } from '../../config/runtime-spec';
import { ForgeError } from '../../errors';
import type { ExecSpec } from '../types';

export function execProcessSpec(exec: ExecSpec): RuntimeProcess {
  if (exec.args.length === 0) throw new ForgeError('InvalidArgument', 'exec needs a command');
  const base = exec.spec.process;
  const proc: RuntimeProcess = {
    ...base,
    terminal: exec.tty,
    args: [...exec.args],
    env: [...exec.env],
    cwd: exec.cwd || base.cwd || '/',
    user: {
      uid: exec.user.uid,
      gid: exec.user.gid,
      ...(exec.user.additionalGids?.length ? { additionalGids: [...exec.user.additionalGids] } : {}),
      ...(base.user.umask !== undefined ? { umask: base.user.umask } : {}),
    },
  };
  if (!exec.tty) delete proc.consoleSize;
  return proc;
}
