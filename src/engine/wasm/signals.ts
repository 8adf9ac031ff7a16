/**
 * What a signal means for a module. WASI preview 1 has no signals, so a module can neither
 * catch nor ignore one: each signal takes its default action on the host process, as on a
 * program that installed no handler (but is not PID 1, which the kernel would protect):
 *  - terminating signals (TERM, INT, HUP, KILL, QUIT, ALRM, USR2…) end it with 128+n;
 *  - STOP/TSTP/TTIN/TTOU pause it (SIGSTOP), CONT resumes it;
 *  - CHLD, URG and WINCH are ignored, as their default action is.
 * Two exceptions: SIGUSR1 would open Node's inspector in the host (and Node 20 has no
 * --disable-sigusr1), so it is refused; before `start` the host takes SIGUSR2 as "start", so
 * there a signal ends the host with SIGKILL instead. Pure.
 */
import { constants } from 'node:os';
import { ForgeError } from '../../errors';

const S = constants.signals;
const IGNORED = new Set<number>([S.SIGCHLD, S.SIGURG, S.SIGWINCH]);
const STOPPING = new Set<number>([S.SIGSTOP, S.SIGTSTP, S.SIGTTIN, S.SIGTTOU]);

/** The signal to send to the host for `sig`, or undefined when there is nothing to do. */
export function deliverable(sig: number, started: boolean): number | undefined {
  if (sig === S.SIGUSR1) {
    throw new ForgeError('InvalidArgument', 'SIGUSR1 cannot be sent to a WebAssembly container', {
      hint: 'WASI modules do not handle signals: SIGTERM or SIGKILL end one',
      details: { reason: 'signal-unsupported' },
    });
  }
  if (IGNORED.has(sig)) return undefined;
  if (STOPPING.has(sig)) return S.SIGSTOP;
  if (sig === S.SIGCONT) return S.SIGCONT;
  if (!started) return S.SIGKILL;
  return sig;
}
