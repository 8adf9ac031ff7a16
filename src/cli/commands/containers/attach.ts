/**
 * The attached part of `run`, `start -a` and `attach`, in docker's order: attach, send the
 * wait, start (the attach and the wait are on the daemon before the process runs, so neither
 * output nor exit is missed), copy the streams until the output ends, then exit with the
 * container's exit code. With a TTY the window size follows the terminal; without one, signals
 * the CLI receives go to the container (docker's --sig-proxy).
 */
import type { ApiClient, Hijacked } from '../../../api/client';
import { shortId } from '../../../util/short-id';
import type { CliContext } from '../../context';
import { containerPath } from './paths';
import { StreamSession } from './session';
import { followWindowSize, proxySignals } from './terminal';
import { exitCodeAfterOutput, sendWait, type WaitCondition } from './waiter';

export interface AttachOptions {
  id: string;
  tty: boolean;
  stdin: boolean;
  /** The daemon removes the container when it exits: wait for `removed`. */
  autoRemove: boolean;
  detachKeys: Buffer;
  /** Start the container once attached (run, start -a); false attaches to a running one. */
  start: boolean;
}

/** --rm promises no leftover container, also when it never started. */
export async function removeQuietly(client: ApiClient, id: string): Promise<void> {
  await client.json('DELETE', containerPath(id), { query: { force: true } }).catch(() => undefined);
}

export async function attachAndWait(ctx: CliContext, client: ApiClient, o: AttachOptions): Promise<void> {
  let attachSent: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => (attachSent = resolve));
  const hijacking = client.hijack('POST', containerPath(o.id, '/attach'), {
    query: { stream: true, stdin: o.stdin, stdout: true, stderr: true },
    onSent: attachSent,
  });
  hijacking.catch(() => attachSent());
  const condition: WaitCondition = o.autoRemove ? 'removed' : o.start ? 'next-exit' : 'not-running';
  const wait = sendWait(client, o.id, condition);
  let hijacked: Hijacked | undefined;
  let stopResize = () => undefined as void;
  let stopSignals = () => undefined as void;
  try {
    // The daemon registers an attachment to a created container when the request arrives and
    // may answer 101 only once the process exists: start after sending, then take the socket.
    await Promise.all([sent, wait.sent]);
    if (o.start) {
      try {
        await client.json('POST', containerPath(o.id, '/start'));
      } catch (err) {
        // The attach may never be answered for a container that did not start: drop it.
        void hijacking.then((h) => h.socket.destroy(), () => undefined);
        if (o.autoRemove) await removeQuietly(client, o.id);
        throw err;
      }
    }
    hijacked = await hijacking;
    const session = new StreamSession({ stdin: process.stdin, stdout: ctx.out, stderr: ctx.err }, hijacked, {
      tty: o.tty,
      stdin: o.stdin,
      detachKeys: o.detachKeys,
    });
    const ended = session.run();
    if (o.tty) stopResize = followWindowSize(ctx.out, (rows, cols) => client.json('POST', containerPath(o.id, '/resize'), { query: { h: String(rows), w: String(cols) } }));
    else {
      stopSignals = proxySignals(
        (signal) => client.json('POST', containerPath(o.id, '/kill'), { query: { signal } }),
        (err) => ctx.err.write(`Error: forwarding a signal: ${err.message}\n`),
      );
    }
    if ((await ended) === 'detached') {
      wait.cancel();
      ctx.err.write(`\r\nDetached from ${shortId(o.id)}: it keeps running (attach again with \`forgeone attach ${shortId(o.id)}\`).\r\n`);
      return;
    }
    const result = await exitCodeAfterOutput(client, o.id, wait, condition);
    if (result.Error?.Message) ctx.err.write(`Error: ${result.Error.Message}\n`);
    process.exitCode = result.StatusCode;
  } catch (err) {
    wait.cancel();
    hijacked?.socket.destroy();
    throw err;
  } finally {
    stopResize();
    stopSignals();
  }
}
