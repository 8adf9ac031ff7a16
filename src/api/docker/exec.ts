/**
 * Docker exec routes: create (Docker's ExecConfig, nulls and client-only fields dropped), start
 * (hijacked, plain streamed, or Detach), inspect, resize. The exec itself is runtime's.
 */
import type { Writable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { ForgeError } from '../../errors';
import type { RuntimeContext } from '../../runtime/context';
import { createExec, inspectExec, resizeExec, startExec } from '../../runtime/containers/exec';
import { readJson, sendJson } from '../respond';
import { execStartUpgrade } from '../routes/container-streams';
import { MULTIPLEXED_CONTENT_TYPE, RAW_CONTENT_TYPE, STDERR, STDOUT, encodeFrame, muxWriter } from '../stdcopy';
import type { DockerRoutes } from './route';
import { dimension } from './translate/params';
import { isZero } from './translate/zero';

/** Docker's ExecConfig → runtime's: nulls dropped, client-only fields (Detach, ConsoleSize) left out. */
export function translateExecBody(body: Record<string, unknown>): Record<string, unknown> {
  if (body.Privileged === true) throw new ForgeError('InvalidArgument', 'privileged exec is not supported');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === null || key === 'Detach' || key === 'ConsoleSize' || key === 'Privileged') continue;
    if (key === 'Cmd' && typeof value === 'string') out.Cmd = [value];
    else if (['Cmd', 'Env', 'WorkingDir', 'User', 'Tty', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'DetachKeys'].includes(key)) out[key] = value;
    else if (!isZero(value)) throw new ForgeError('InvalidArgument', `exec field ${key} is not supported by ForgeOne`);
  }
  return out;
}

function outputs(target: NodeJS.WritableStream, tty: boolean, stdout: boolean, stderr: boolean): { stdout?: Writable; stderr?: Writable } {
  if (tty) {
    const raw = new PassThrough();
    raw.on('data', (d: Buffer) => target.write(d));
    return stdout || stderr ? { stdout: raw } : {};
  }
  return { ...(stdout ? { stdout: muxWriter(target, STDOUT) } : {}), ...(stderr ? { stderr: muxWriter(target, STDERR) } : {}) };
}

export function registerDockerExecRoutes(docker: DockerRoutes, rt: RuntimeContext): void {
  docker.route('POST', '/containers/{id}/exec', async ({ req, res, params }) => {
    sendJson(res, 201, createExec(rt, params.id!, translateExecBody(await readJson(req))));
  });

  docker.upgrade('POST', '/exec/{id}/start', execStartUpgrade(rt));

  docker.route('POST', '/exec/{id}/start', async ({ req, res, params }) => {
    const body = await readJson(req);
    const exec = rt.execSessions.get(params.id!);
    if (body.Detach === true) {
      const started = await startExec(rt, params.id!, {});
      started.exitCode.catch(() => undefined);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 0 });
      res.end();
      return;
    }
    // Not hijacked (dockerode without hijack): the output is the response body; no stdin.
    const tty = exec.config.Tty || body.Tty === true;
    if (exec.running || exec.exitCode !== undefined) throw new ForgeError('Conflict', `exec ${params.id} has already run`);
    res.writeHead(200, { 'Content-Type': tty ? RAW_CONTENT_TYPE : MULTIPLEXED_CONTENT_TYPE });
    try {
      const started = await startExec(rt, params.id!, outputs(res, tty, exec.config.AttachStdout, exec.config.AttachStderr));
      await started.exitCode.catch(() => undefined);
    } catch (err) {
      const text = Buffer.from(`${(err as Error).message}\n`);
      res.write(tty ? text : encodeFrame(STDERR, text));
    }
    res.end();
  });

  docker.route('GET', '/exec/{id}/json', ({ res, params }) => {
    const e = inspectExec(rt, params.id!);
    sendJson(res, 200, { CanRemove: false, DetachKeys: '', ...e });
  });

  docker.route('POST', '/exec/{id}/resize', async ({ res, params, query }) => {
    await resizeExec(rt, params.id!, dimension(query, 'h'), dimension(query, 'w'));
    sendJson(res, 200, {});
  });
}
