/**
 * The OCI runtime's command line (crun or runc; both take the same verbs and flags we use).
 * conmon runs `create` and `exec`; the engine runs the other verbs here.
 */
import { ForgeError } from '../../errors';
import { runtimeGlobalArgs } from './conmon-args';
import type { OciRuntimeName } from './options';
import type { ProcessRunner } from './process-runner';
import { runtimeError } from './runtime-errors';

export interface OciRuntimeConfig {
  name: OciRuntimeName;
  path: string;
  root: string;
}

/** `crun state` / `runc state` output (runtime-spec state, plus the runtimes' extras). */
export interface OciState {
  id: string;
  pid: number;
  status: 'creating' | 'created' | 'running' | 'paused' | 'stopped';
  bundle?: string;
  created?: string;
}

export function runtimeArgs(cfg: OciRuntimeConfig, verbArgs: readonly string[]): string[] {
  return [...runtimeGlobalArgs(cfg.name, cfg.root), ...verbArgs];
}

export function parseState(json: string): OciState {
  let o: Partial<OciState>;
  try {
    o = JSON.parse(json) as Partial<OciState>;
  } catch (err) {
    throw new ForgeError('Internal', `unreadable runtime state: ${json.slice(0, 200)}`, { cause: err });
  }
  const statuses = ['creating', 'created', 'running', 'paused', 'stopped'];
  if (typeof o.id !== 'string' || typeof o.status !== 'string' || !statuses.includes(o.status)) {
    throw new ForgeError('Internal', `unexpected runtime state: ${json.slice(0, 200)}`);
  }
  return { id: o.id, pid: typeof o.pid === 'number' ? o.pid : 0, status: o.status, bundle: o.bundle, created: o.created };
}

/** `ps --format json` prints a JSON array of PIDs (crun and runc alike); `null` when empty. */
export function parsePids(json: string): number[] {
  const v = JSON.parse(json.trim() || '[]') as unknown;
  if (v === null) return [];
  if (!Array.isArray(v) || !v.every((p) => typeof p === 'number')) throw new ForgeError('Internal', `unexpected ps output: ${json.slice(0, 200)}`);
  return v as number[];
}

export class OciRuntime {
  constructor(
    readonly cfg: OciRuntimeConfig,
    private readonly runner: ProcessRunner,
  ) {}

  start(id: string): Promise<void> {
    return this.ok(['start', id], id).then(() => undefined);
  }

  kill(id: string, signal: number, all = false): Promise<void> {
    return this.ok(['kill', ...(all ? ['--all'] : []), id, String(signal)], id).then(() => undefined);
  }

  pause(id: string): Promise<void> {
    return this.ok(['pause', id], id).then(() => undefined);
  }

  resume(id: string): Promise<void> {
    return this.ok(['resume', id], id).then(() => undefined);
  }

  async state(id: string): Promise<OciState> {
    return parseState(await this.ok(['state', id], id));
  }

  async pids(id: string): Promise<number[]> {
    return parsePids(await this.ok(['ps', '--format', 'json', id], id));
  }

  /** `delete --force` kills what still runs; a task the runtime does not know is already deleted. */
  async delete(id: string): Promise<void> {
    const r = await this.runner.run(this.cfg.path, runtimeArgs(this.cfg, ['delete', '--force', id]));
    if (r.code === 0) return;
    const err = runtimeError(`${this.cfg.name} delete ${id}`, r.stderr, { id });
    if (err.code !== 'NotFound') throw err;
  }

  private async ok(verbArgs: string[], id: string): Promise<string> {
    const r = await this.runner.run(this.cfg.path, runtimeArgs(this.cfg, verbArgs));
    if (r.code !== 0) throw runtimeError(`${this.cfg.name} ${verbArgs[0]} ${id}`, r.stderr || r.stdout, { id });
    return r.stdout;
  }
}
