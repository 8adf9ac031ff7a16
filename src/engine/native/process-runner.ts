/**
 * The seam through which the native engine runs host programs (crun, runc, mount). Only
 * `nodeProcessRunner` touches child_process; unit tests pass a recording fake (STYLE.md 10).
 */
import { execFile } from 'node:child_process';

export interface RunResult {
  /** Exit code; -1 when the program could not be started or was killed by a signal. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Kill the program after this many ms. Default 30 000: a wedged runtime must not hang a verb forever. */
  timeoutMs?: number;
}

export interface ProcessRunner {
  /** Runs `file args…` to completion. Never rejects for a non-zero exit: callers classify `code` and `stderr`. */
  run(file: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

export const nodeProcessRunner: ProcessRunner = {
  run(file, args, options = {}) {
    return new Promise((resolve) => {
      execFile(
        file,
        [...args],
        { timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
        (err, stdout, stderr) => {
          if (!err) return resolve({ code: 0, stdout, stderr });
          const e = err as NodeJS.ErrnoException & { code?: number | string };
          // A spawn failure (ENOENT for a missing runtime) carries a string code and no output.
          const code = typeof e.code === 'number' ? e.code : -1;
          const extra = typeof e.code === 'string' ? `${file}: ${e.message}` : '';
          resolve({ code, stdout: stdout ?? '', stderr: `${stderr ?? ''}${extra}` });
        },
      );
    });
  },
};
