/**
 * Stream routes: logs (multiplexed or raw), attach and exec start over hijacked connections
 * (Docker's protocol), resize. Only framing lives here; the verbs are in runtime/containers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, Writable, type Duplex } from 'node:stream';
import { ForgeError } from '../../errors';
import type { RuntimeContext } from '../../runtime/context';
import { attach, resize } from '../../runtime/containers/attach';
import { containerLogs, type ContainerLogs } from '../../runtime/containers/logs';
import { createExec, inspectExec, resizeExec, startExec } from '../../runtime/containers/exec';
import { findContainer } from '../../runtime/containers/find-container';
import { readArchive, statPath, writeArchive } from '../../runtime/containers/archive';
import { pipeline } from 'node:stream/promises';
import type { Handler, Router, UpgradeHandler } from '../router';
import { boolParam, readJson, sendJson } from '../respond';
import { acceptUpgrade } from '../hijack';
import { MULTIPLEXED_CONTENT_TYPE, RAW_CONTENT_TYPE, STDERR, STDOUT, encodeFrame, muxWriter } from '../stdcopy';

function dimension(query: URLSearchParams, name: string): number {
  const n = Number(query.get(name));
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new ForgeError('InvalidArgument', `${name} must be a positive whole number`);
  return n;
}

function sinceParam(value: string | null): Date | undefined {
  if (!value || value === '0') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ForgeError('InvalidArgument', `since must be unix seconds, got "${value}"`);
  return new Date(n * 1000);
}

/** Output writers for a hijacked socket: raw for a TTY, frames otherwise. */
function outputs(socket: Duplex, tty: boolean, wantStdout: boolean, wantStderr: boolean): { stdout?: Writable; stderr?: Writable } {
  const raw = () => new Writable({ write: (chunk: Buffer, _e, done) => (socket.write(chunk) ? done() : socket.once('drain', () => done())) });
  if (tty) return wantStdout ? { stdout: raw() } : {};
  return { ...(wantStdout ? { stdout: muxWriter(socket, STDOUT) } : {}), ...(wantStderr ? { stderr: muxWriter(socket, STDERR) } : {}) };
}

/** The client's bytes after the upgrade, as the task's stdin (bytes that came with the headers first). */
function stdinOf(socket: Duplex, head: Buffer): PassThrough {
  const stdin = new PassThrough();
  if (head.length) stdin.write(head);
  socket.pipe(stdin);
  return stdin;
}

/** Reads a JSON body that arrived with an upgrade request (exec start sends one). */
export async function upgradeBody(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<{ body: Record<string, unknown>; rest: Buffer }> {
  const length = Number(req.headers['content-length'] ?? 0);
  let data = head;
  while (data.length < length) {
    const chunk = await new Promise<Buffer | null>((resolve) => {
      socket.once('data', (d: Buffer) => resolve(d));
      socket.once('end', () => resolve(null));
    });
    if (chunk === null) break;
    data = Buffer.concat([data, chunk]);
  }
  socket.pause();
  const text = data.subarray(0, length).toString('utf8');
  let body: Record<string, unknown> = {};
  if (text.trim()) {
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new ForgeError('InvalidArgument', 'request body is not valid JSON');
    }
  }
  return { body, rest: data.subarray(length) };
}

/** Exec start over a hijacked connection; shared with the Docker-compatible route. */
export function execStartUpgrade(rt: RuntimeContext): UpgradeHandler {
  return async ({ req, socket, head, params }) => {
    const { body, rest } = await upgradeBody(req, socket, head);
    const exec = rt.execSessions.get(params.id!);
    const tty = exec.config.Tty || body.Tty === true;
    const out = outputs(socket, tty, exec.config.AttachStdout, exec.config.AttachStderr);
    acceptUpgrade(socket, tty ? RAW_CONTENT_TYPE : MULTIPLEXED_CONTENT_TYPE);
    socket.resume();
    try {
      const started = await startExec(rt, params.id!, { ...out, ...(exec.config.AttachStdin ? { stdin: stdinOf(socket, rest) } : {}) });
      await started.exitCode.catch(() => undefined);
    } catch (err) {
      // The 101 is sent: the reason goes to the client's stderr, as Docker does ("OCI runtime exec failed").
      const text = Buffer.from(`${(err as Error).message}\n`);
      socket.write(tty ? text : encodeFrame(STDERR, text));
    } finally {
      socket.end();
    }
  };
}

/**
 * Streams log entries as the response (raw for a TTY container, else in the multiplexed format),
 * each line prefixed with its timestamp when `timestamp` formats one; shared by the native and
 * Docker logs routes, which differ only in their parameters and timestamp format.
 */
export async function sendLogs(rt: RuntimeContext, res: ServerResponse, logs: ContainerLogs, timestamp: ((t: string) => string) | undefined, signal: AbortSignal, id: string): Promise<void> {
  res.writeHead(200, { 'Content-Type': logs.tty ? RAW_CONTENT_TYPE : MULTIPLEXED_CONTENT_TYPE });
  res.flushHeaders();
  try {
    for await (const e of logs.entries) {
      const text = Buffer.from(`${timestamp ? `${timestamp(e.timestamp)} ` : ''}${e.text}${e.complete ? '\n' : ''}`);
      const chunk = logs.tty ? text : encodeFrame(e.stream === 'stderr' ? STDERR : STDOUT, text);
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
  } catch (err) {
    if (!signal.aborted) rt.logger.warn('logs stream failed', { id, error: (err as Error).message });
  }
  res.end();
}

export function registerContainerStreamRoutes(router: Router, rt: RuntimeContext): void {
  router.native('GET', '/containers/{id}/logs', async ({ res, params, query }) => {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const tailText = query.get('tail');
    const tail = tailText && tailText !== 'all' ? Number(tailText) : undefined;
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new ForgeError('InvalidArgument', `tail must be a number or "all", got "${tailText}"`);
    const since = sinceParam(query.get('since'));
    const until = sinceParam(query.get('until'));
    const logs = containerLogs(rt, params.id!, {
      follow: boolParam(query, 'follow'),
      stdout: query.get('stdout') === null ? true : boolParam(query, 'stdout'),
      stderr: query.get('stderr') === null ? true : boolParam(query, 'stderr'),
      signal: abort.signal,
      ...(tail !== undefined ? { tail } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    });
    await sendLogs(rt, res, logs, boolParam(query, 'timestamps') ? (t) => t : undefined, abort.signal, params.id!);
  });

  router.upgrade('POST', '/containers/{id}/attach', async ({ socket, head, params, query }) => {
    const c = findContainer(rt, params.id!);
    const wantStdin = boolParam(query, 'stdin');
    const out = outputs(socket, c.config.tty, query.get('stdout') === null || boolParam(query, 'stdout'), query.get('stderr') === null || boolParam(query, 'stderr'));
    acceptUpgrade(socket, c.config.tty ? RAW_CONTENT_TYPE : MULTIPLEXED_CONTENT_TYPE);
    try {
      const { session } = await attach(rt, c.record.id, { ...out, ...(wantStdin ? { stdin: stdinOf(socket, head) } : {}) });
      socket.on('close', () => session.detach());
      await session.done;
    } finally {
      socket.end();
    }
  });

  router.native('POST', '/containers/{id}/resize', async ({ res, params, query }) => {
    await resize(rt, params.id!, dimension(query, 'h'), dimension(query, 'w'));
    sendJson(res, 200, {});
  });

  router.native('POST', '/containers/{id}/exec', async ({ req, res, params }) => {
    sendJson(res, 201, createExec(rt, params.id!, await readJson(req)));
  });

  router.upgrade('POST', '/exec/{id}/start', execStartUpgrade(rt));

  // Without an upgrade (exec -d), the exec runs detached: no streams, answer at once.
  router.native('POST', '/exec/{id}/start', async ({ req, res, params }) => {
    const body = await readJson(req);
    if (body.Detach !== true) throw new ForgeError('InvalidArgument', 'an attached exec start needs Connection: Upgrade (or Detach: true)');
    const started = await startExec(rt, params.id!, {});
    started.exitCode.catch(() => undefined);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end();
  });

  router.native('GET', '/exec/{id}/json', ({ res, params }) => sendJson(res, 200, inspectExec(rt, params.id!)));

  router.native('POST', '/exec/{id}/resize', async ({ res, params, query }) => {
    await resizeExec(rt, params.id!, dimension(query, 'h'), dimension(query, 'w'));
    sendJson(res, 200, {});
  });
}

/** The archive handlers `cp` uses (HEAD stat, GET read, PUT write); shared with the Docker-compatible routes. */
export function archiveHandlers(rt: RuntimeContext): { stat: Handler; read: Handler; write: Handler } {
  const header = (stat: unknown) => Buffer.from(JSON.stringify(stat)).toString('base64');
  const pathParam = (query: URLSearchParams) => {
    const p = query.get('path');
    if (!p) throw new ForgeError('InvalidArgument', 'query parameter "path" is required');
    return p;
  };
  return {
    stat: async ({ res, params, query }) => {
      const stat = await statPath(rt, params.id!, pathParam(query));
      res.writeHead(200, { 'X-Docker-Container-Path-Stat': header(stat) });
      res.end();
    },
    read: async ({ res, params, query }) => {
      const { stat, stream } = await readArchive(rt, params.id!, pathParam(query));
      res.writeHead(200, { 'Content-Type': 'application/x-tar', 'X-Docker-Container-Path-Stat': header(stat) });
      await pipeline(stream, res).catch((err: unknown) => {
        rt.logger.warn('archive read failed', { id: params.id, error: (err as Error).message });
        res.destroy();
      });
    },
    write: async ({ req, res, params, query }) => {
      await writeArchive(rt, params.id!, pathParam(query), req);
      sendJson(res, 200, {});
    },
  };
}

export function registerArchiveRoutes(router: Router, rt: RuntimeContext): void {
  const archive = archiveHandlers(rt);
  router.native('HEAD', '/containers/{id}/archive', archive.stat);
  router.native('GET', '/containers/{id}/archive', archive.read);
  router.native('PUT', '/containers/{id}/archive', archive.write);
}
