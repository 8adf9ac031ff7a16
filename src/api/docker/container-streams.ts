/**
 * Docker's container stream routes: logs (multiplexed unless TTY), attach (hijacked upgrade or a
 * plain streamed response; logs replay, stdin/stdout/stderr choices), resize, and the archive
 * routes `docker cp` uses (HEAD/GET/PUT with X-Docker-Container-Path-Stat).
 */
import type { IncomingMessage } from 'node:http';
import { PassThrough, Writable, type Readable } from 'node:stream';
import { ForgeError } from '../../errors';
import type { RuntimeContext } from '../../runtime/context';
import { attach, resize } from '../../runtime/containers/attach';
import { containerLogs } from '../../runtime/containers/logs';
import { findContainer } from '../../runtime/containers/find-container';
import { acceptUpgrade } from '../hijack';
import { archiveHandlers, sendLogs, upgradeBody } from '../routes/container-streams';
import { boolParam, sendJson } from '../respond';
import { MULTIPLEXED_CONTENT_TYPE, RAW_CONTENT_TYPE, STDERR, STDOUT, encodeFrame, muxWriter } from '../stdcopy';
import type { DockerRoutes } from './route';
import { dimension, dockerTimestamp, unixTime } from './translate/params';

/** Writers of a container's output to `target`: raw bytes with a TTY, frames without. */
function outputs(target: NodeJS.WritableStream, tty: boolean, wantStdout: boolean, wantStderr: boolean): { stdout?: Writable; stderr?: Writable } {
  const raw = () => new Writable({ write: (chunk: Buffer, _e, done) => (target.write(chunk) ? done() : target.once('drain', () => done())) });
  if (tty) return wantStdout || wantStderr ? { stdout: raw() } : {};
  return { ...(wantStdout ? { stdout: muxWriter(target, STDOUT) } : {}), ...(wantStderr ? { stderr: muxWriter(target, STDERR) } : {}) };
}

/** Writes the stored log of a container to `target` (attach's `logs=1`). */
async function replayLogs(rt: RuntimeContext, id: string, target: NodeJS.WritableStream, tty: boolean, stdout: boolean, stderr: boolean): Promise<void> {
  const logs = containerLogs(rt, id, { stdout, stderr });
  for await (const e of logs.entries) {
    const text = Buffer.from(`${e.text}${e.complete ? '\n' : ''}`);
    target.write(tty ? text : encodeFrame(e.stream === 'stderr' ? STDERR : STDOUT, text));
  }
}

interface AttachChoice {
  logs: boolean;
  stream: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

function attachChoice(query: URLSearchParams): AttachChoice {
  const choice = { logs: boolParam(query, 'logs'), stream: boolParam(query, 'stream'), stdin: boolParam(query, 'stdin'), stdout: boolParam(query, 'stdout'), stderr: boolParam(query, 'stderr') };
  if (!choice.logs && !choice.stream) throw new ForgeError('InvalidArgument', 'Bad parameter: at least one of logs or stream must be set');
  return choice;
}

/** Attach's common part, for the hijacked socket and the plain response alike. */
async function runAttach(rt: RuntimeContext, id: string, tty: boolean, choice: AttachChoice, target: NodeJS.WritableStream, stdin: Readable | undefined, onClose: (cb: () => void) => void): Promise<void> {
  if (choice.logs) await replayLogs(rt, id, target, tty, choice.stdout, choice.stderr);
  if (!choice.stream) return;
  const out = outputs(target, tty, choice.stdout, choice.stderr);
  const { session } = await attach(rt, id, { ...out, ...(choice.stdin && stdin ? { stdin } : {}) });
  onClose(() => session.detach());
  await session.done;
}

/** The first bytes after the upgrade (sent with the headers) and the rest, as one stream. */
function socketInput(socket: NodeJS.ReadableStream, head: Buffer): PassThrough {
  const input = new PassThrough();
  if (head.length) input.write(head);
  socket.pipe(input);
  return input;
}

export function registerDockerStreamRoutes(docker: DockerRoutes, rt: RuntimeContext): void {
  docker.route('GET', '/containers/{id}/logs', async ({ res, params, query }) => {
    const stdout = boolParam(query, 'stdout');
    const stderr = boolParam(query, 'stderr');
    if (!stdout && !stderr) throw new ForgeError('InvalidArgument', 'Bad parameters: you must choose at least one stream');
    const tailText = query.get('tail');
    // Docker: "all", empty or a negative number mean every line.
    const tailNumber = tailText && tailText !== 'all' ? Number(tailText) : undefined;
    if (tailNumber !== undefined && !Number.isInteger(tailNumber)) throw new ForgeError('InvalidArgument', `tail must be a number or "all", got "${tailText}"`);
    const tail = tailNumber !== undefined && tailNumber >= 0 ? tailNumber : undefined;
    const since = unixTime(query.get('since'), 'since');
    const until = unixTime(query.get('until'), 'until');
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const logs = containerLogs(rt, params.id!, {
      follow: boolParam(query, 'follow'),
      stdout,
      stderr,
      signal: abort.signal,
      ...(tail !== undefined ? { tail } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    });
    await sendLogs(rt, res, logs, boolParam(query, 'timestamps') ? dockerTimestamp : undefined, abort.signal, params.id!);
  });

  docker.upgrade('POST', '/containers/{id}/attach', async ({ req, socket, head, params, query }) => {
    const choice = attachChoice(query);
    const c = findContainer(rt, params.id!);
    // A request body (dockerode sends its options as JSON) is not stdin: skip it, as dockerd does.
    const { rest } = await upgradeBody(req, socket, head);
    acceptUpgrade(socket, c.config.tty ? RAW_CONTENT_TYPE : MULTIPLEXED_CONTENT_TYPE);
    socket.resume();
    try {
      const stdin = choice.stdin ? socketInput(socket, rest) : undefined;
      await runAttach(rt, c.record.id, c.config.tty, choice, socket, stdin, (cb) => socket.on('close', cb));
    } finally {
      socket.end();
    }
  });

  // Without an upgrade header (dockerode's default), the streams go in the response body.
  docker.route('POST', '/containers/{id}/attach', async ({ req, res, params, query }) => {
    const choice = attachChoice(query);
    const c = findContainer(rt, params.id!);
    res.writeHead(200, { 'Content-Type': c.config.tty ? RAW_CONTENT_TYPE : MULTIPLEXED_CONTENT_TYPE });
    res.flushHeaders();
    try {
      await runAttach(rt, c.record.id, c.config.tty, choice, res, choice.stdin ? (req as IncomingMessage) : undefined, (cb) => res.on('close', cb));
    } catch (err) {
      rt.logger.warn('attach failed after the response started', { id: params.id, error: (err as Error).message });
    }
    res.end();
  });

  docker.route('POST', '/containers/{id}/resize', async ({ res, params, query }) => {
    await resize(rt, params.id!, dimension(query, 'h'), dimension(query, 'w'));
    sendJson(res, 200, {});
  });

  const archive = archiveHandlers(rt);
  docker.route('HEAD', '/containers/{id}/archive', archive.stat);
  docker.route('GET', '/containers/{id}/archive', archive.read);
  docker.route('PUT', '/containers/{id}/archive', async (ctx) => {
    if (boolParam(ctx.query, 'copyUIDGID')) throw new ForgeError('InvalidArgument', 'copyUIDGID (docker cp -a) is not supported');
    await archive.write(ctx);
  });
}
