/**
 * Attach for WASM tasks: the module's output is only in the log the host writes (there is no
 * socket to connect to, and none is needed to survive a daemon restart), so attaching follows
 * the log from now until the task exits, and writes each line to the client's
 * stdout or stderr. A task attached before start loses nothing: its log is still empty.
 */
import { readLogs } from '../logs/k8s-file';
import type { AttachSession, AttachStreams } from '../types';

export function followLog(logPath: string, streams: AttachStreams, exited: (signal: AbortSignal) => Promise<unknown>): AttachSession {
  const abort = new AbortController();
  // Lines from now on: taken before returning, so output of input the client sends next is never
  // mistaken for history (reading the file's size later would race with the host's writes).
  const since = new Date();
  const stopWhen = exited(abort.signal).catch(() => undefined);
  const done = (async () => {
    try {
      // pollMs: a prompt without its newline shows after this long, as with conmon's attach.
      for await (const e of readLogs(logPath, { follow: true, since, stopWhen, signal: abort.signal, pollMs: 50 })) {
        const out = e.stream === 'stderr' ? (streams.stderr ?? streams.stdout) : streams.stdout;
        out?.write(e.complete ? `${e.text}\n` : e.text);
      }
    } catch {
      // The log vanished (the task was deleted): the session ends.
    } finally {
      abort.abort();
    }
  })();
  return { done, detach: () => abort.abort() };
}
