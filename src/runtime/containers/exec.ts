/**
 * `exec`: run another process in a running container. Like Docker, an exec is created first
 * (its config recorded, an ID returned), then started with streams attached; its exit code stays
 * readable afterwards. Exec sessions live in the daemon's memory only (Docker's as well).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { ForgeError } from '../../errors';
import { transition } from '../../lifecycle/container-states';
import { containerPaths } from '../../config/paths';
import type { RuntimeSpec } from '../../config/runtime-spec';
import type { AttachStreams, ExecSession } from '../../engine/types';
import type { RuntimeContext } from '../context';
import { readRootfsFile } from './rootfs-files';
import { resolveUser } from '../spec/user';
import { overlayEnv } from '../spec/env';
import { findContainer, reload } from './find-container';

export const ExecConfigSchema = z.object({
  Cmd: z.array(z.string()).min(1, 'no command given'),
  Env: z.array(z.string()).default([]),
  WorkingDir: z.string().default(''),
  User: z.string().default(''),
  Tty: z.boolean().default(false),
  AttachStdin: z.boolean().default(false),
  AttachStdout: z.boolean().default(true),
  AttachStderr: z.boolean().default(true),
  Privileged: z.literal(false).default(false),
  DetachKeys: z.string().optional(),
});
export type ExecConfig = z.infer<typeof ExecConfigSchema>;

export interface ExecRecord {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  exitCode: number | undefined;
  pid: number;
  session: ExecSession | undefined;
}

export class ExecSessions {
  private readonly sessions = new Map<string, ExecRecord>();

  add(record: ExecRecord): void {
    this.sessions.set(record.id, record);
    // Bounded memory: forget the oldest finished sessions past a few thousand.
    if (this.sessions.size > 4096) {
      for (const [id, s] of this.sessions) {
        if (!s.running) this.sessions.delete(id);
        if (this.sessions.size <= 3072) break;
      }
    }
  }

  get(id: string): ExecRecord {
    const s = this.sessions.get(id);
    if (!s) throw new ForgeError('NotFound', `No such exec instance: ${id}`);
    return s;
  }

  forContainer(containerId: string): ExecRecord[] {
    return [...this.sessions.values()].filter((s) => s.containerId === containerId);
  }
}

export function createExec(rt: RuntimeContext, input: string, body: unknown): { Id: string } {
  const parsed = ExecConfigSchema.safeParse(body);
  if (!parsed.success) {
    throw new ForgeError('InvalidArgument', `invalid exec config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const c = findContainer(rt, input);
  transition(c.state.status, 'exec', c.record.name);
  if (!rt.engine(c.record.engine as never).capabilities.exec) {
    throw new ForgeError('NotImplemented', `the ${c.record.engine} engine cannot exec into a container`);
  }
  const id = randomBytes(32).toString('hex');
  rt.execSessions.add({ id, containerId: c.record.id, config: parsed.data, running: false, exitCode: undefined, pid: 0, session: undefined });
  rt.events.publish('/exec/create', c.record.id, { execId: id });
  return { Id: id };
}

/** Starts an exec; resolves once the process runs, with a promise of its exit code. */
export async function startExec(rt: RuntimeContext, execId: string, streams: AttachStreams): Promise<{ exitCode: Promise<number>; tty: boolean }> {
  const exec = rt.execSessions.get(execId);
  if (exec.running || exec.exitCode !== undefined) throw new ForgeError('Conflict', `exec ${execId} has already run`);
  const c = reload(rt, exec.containerId);
  transition(c.state.status, 'exec', c.record.name);
  const paths = containerPaths(rt.paths, c.record.id);
  const spec = JSON.parse(await fs.readFile(paths.specFile, 'utf8')) as RuntimeSpec;
  const cfg = exec.config;
  const user = cfg.User
    ? resolveUser(cfg.User, await userFiles(paths.rootfs))
    : spec.process.user;
  const env = overlayEnv(spec.process.env, cfg.Env);
  exec.running = true;
  let session: ExecSession;
  try {
    session = await rt.engine(c.record.engine as never).exec(
      c.record.id,
      { execId, args: cfg.Cmd, env, cwd: cfg.WorkingDir || spec.process.cwd, user, tty: cfg.Tty, stdin: cfg.AttachStdin, spec },
      streams,
    );
  } catch (err) {
    exec.running = false;
    const reason = err instanceof ForgeError ? err.details?.reason : undefined;
    exec.exitCode = reason === 'command-not-found' ? 127 : reason === 'command-not-executable' ? 126 : 126;
    throw err;
  }
  exec.session = session;
  exec.pid = session.pid;
  rt.events.publish('/exec/start', c.record.id, { execId });
  const exitCode = session.exitCode.then(
    (code) => {
      exec.running = false;
      exec.exitCode = code;
      rt.events.publish('/exec/die', c.record.id, { execId, exitCode: String(code) });
      return code;
    },
    (err: unknown) => {
      exec.running = false;
      exec.exitCode = 126;
      throw err;
    },
  );
  return { exitCode, tty: cfg.Tty };
}

export function inspectExec(rt: RuntimeContext, execId: string): Record<string, unknown> {
  const e = rt.execSessions.get(execId);
  return {
    ID: e.id,
    ContainerID: e.containerId,
    Running: e.running,
    ExitCode: e.exitCode ?? null,
    Pid: e.pid,
    OpenStdin: e.config.AttachStdin,
    OpenStdout: e.config.AttachStdout,
    OpenStderr: e.config.AttachStderr,
    ProcessConfig: { tty: e.config.Tty, entrypoint: e.config.Cmd[0], arguments: e.config.Cmd.slice(1), user: e.config.User, privileged: false },
  };
}

export async function resizeExec(rt: RuntimeContext, execId: string, rows: number, cols: number): Promise<void> {
  const e = rt.execSessions.get(execId);
  if (!e.session) throw new ForgeError('Conflict', `exec ${execId} is not running`);
  await e.session.resize({ rows, cols });
}

async function userFiles(rootfs: string): Promise<{ passwd?: string; group?: string }> {
  const passwd = await readRootfsFile(rootfs, 'etc/passwd');
  const group = await readRootfsFile(rootfs, 'etc/group');
  return { ...(passwd !== undefined ? { passwd } : {}), ...(group !== undefined ? { group } : {}) };
}
