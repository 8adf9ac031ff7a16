/**
 * `exec` as Podman does it: a conmon of its own per session (`--exec --exec-attach`), so the
 * exec'd process is never the daemon's child and its output is captured like the task's.
 * Handshake: start pipe once (conmon may go on) → attach pipe says the socket listens → we attach
 * → start pipe again (conmon runs `<runtime> exec`) → sync pipe: PID, later the exit code.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../errors';
import type { AttachSession, AttachStreams, ExecSession, ExecSpec } from '../types';
import { attachSocket } from './attach';
import { conmonExecArgs } from './conmon-args';
import { expectPid, launchConmon, type ConmonHandle } from './conmon-launch';
import { writeControl, resizeMessage } from './control-fifo';
import { readExitFile } from './exit-file';
import type { ExecPaths } from './paths';
import { execProcessSpec } from './process-spec';
import { readSyncMessage } from './sync-pipe';
import type { TaskRecord } from './task-record';

export interface ExecContext {
  id: string;
  record: TaskRecord;
  paths: ExecPaths;
  conmonPath: string;
  timeoutMs: number;
}

/** How long to let the output drain after the exit code arrived. */
const DRAIN_MS = 2000;

export async function runExec(ctx: ExecContext, spec: ExecSpec, streams: AttachStreams): Promise<ExecSession> {
  const { id, paths: ep, record } = ctx;
  await fs.mkdir(path.dirname(ep.dir), { recursive: true });
  try {
    await fs.mkdir(ep.dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ForgeError('AlreadyExists', `exec session ${spec.execId} already exists in task ${id}`);
    throw err;
  }
  await fs.mkdir(ep.exitDir);
  await fs.writeFile(ep.processSpec, JSON.stringify(execProcessSpec(spec)), { mode: 0o600 });
  const args = conmonExecArgs({
    id,
    execId: spec.execId,
    runtime: record.runtime,
    runtimePath: record.runtimePath,
    runtimeRoot: record.runtimeRoot,
    bundleDir: ep.dir,
    pidFile: ep.pidFile,
    conmonPidFile: ep.conmonPidFile,
    exitDir: ep.exitDir,
    logPath: ep.logFile,
    logMaxSize: 1024 * 1024,
    tty: spec.tty,
    stdin: spec.stdin,
    processSpec: ep.processSpec,
  });
  const what = `exec in task ${id}`;
  const handle = launchConmon({ conmonPath: ctx.conmonPath, args, cwd: ep.dir, execPipes: true });
  let session: AttachSession | undefined;
  try {
    handle.start!.write('0');
    const ready = await readSyncMessage(handle.attach!, ctx.timeoutMs, what);
    // No attach message: conmon failed before listening; the sync pipe says why.
    if (ready !== undefined) {
      session = await attachSocket(ep.attachSocket, spec.stdin ? streams : { ...streams, stdin: undefined });
      handle.start!.write('1');
    }
    const pid = await expectPid(handle, ctx.timeoutMs, what, { id, execId: spec.execId });
    const exitCode = awaitExit(handle, ep, session, what);
    return { pid, exitCode, resize: (size) => writeControl(ep.ctlFifo, resizeMessage(size)) };
  } catch (err) {
    session?.detach();
    handle.close();
    await fs.rm(ep.dir, { recursive: true, force: true });
    throw err;
  }
}

async function awaitExit(handle: ConmonHandle, ep: ExecPaths, session: AttachSession | undefined, what: string): Promise<number> {
  try {
    const msg = await readSyncMessage(handle.sync, Infinity, what);
    let code = msg?.data;
    // conmon reports a failure of the exec'd process's setup as a negative code; the exit file has the truth.
    if (code === undefined || code < 0) code = (await readExitFile(ep.exitFile))?.exitCode ?? 255;
    if (session) await Promise.race([session.done, new Promise((r) => setTimeout(r, DRAIN_MS).unref())]);
    return code;
  } finally {
    session?.detach();
    handle.close();
    await fs.rm(ep.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
