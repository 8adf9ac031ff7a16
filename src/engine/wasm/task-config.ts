/**
 * What a WASM task runs, read from the minimal OCI runtime spec the runtime passes (TaskSpec):
 *
 *   root.path          a directory holding the module
 *   process.args[0]    the module's path inside root.path (also the module's argv[0]); args[1..]
 *                      are its arguments
 *   process.env        its environment (WASI environ)
 *   mounts             bind mounts become WASI preopened directories, destination → source
 *                      (`ro` in options makes them read-only); nothing else of the host is
 *                      reachable. Other mount types are refused.
 *   linux.resources.memory.limit   the linear memory maximum (bytes, rounded down to 64 KiB pages)
 *   annotations        `io.forgeone.wasm.timeout` (wall-clock seconds from start) and
 *                      `io.forgeone.wasm.cpu` (CPU seconds), both optional
 *
 * Namespaces, capabilities, seccomp and the rest of a native spec mean nothing here and are
 * ignored. The result is written as the task's task.json, which the host process reads. Pure.
 */
import * as path from 'node:path';
import { ForgeError } from '../../errors';
import type { RuntimeSpec } from '../../config/runtime-spec';
import { PAGE_BYTES } from './module-info';

export const ANNOTATION_TIMEOUT = 'io.forgeone.wasm.timeout';
export const ANNOTATION_CPU = 'io.forgeone.wasm.cpu';

export interface Preopen {
  /** The path the module sees. */
  guest: string;
  /** The host directory. */
  host: string;
  readonly: boolean;
}

export interface WasmTaskConfig {
  version: 1;
  id: string;
  /** Absolute path of the module file. */
  module: string;
  /** sha256 of the module: the key of the warm pool. */
  digest: string;
  args: string[];
  env: string[];
  preopens: Preopen[];
  /** Linear memory maximum in 64 KiB pages; undefined: the wasm32 maximum (4 GiB). */
  memoryPages?: number;
  /** Wall-clock limit from start, ms. */
  timeoutMs?: number;
  /** CPU time limit, ms. */
  cpuMs?: number;
  logPath: string;
  logMaxSize: number;
  /** Stdin from a FIFO the engine's attach writes to; `once`: EOF when the first writer closes (StdinOnce). */
  stdin?: { fifo: string; once: boolean };
  createdAt: string;
}

function seconds(spec: RuntimeSpec, key: string): number | undefined {
  const raw = spec.annotations?.[key];
  if (raw === undefined || raw === '') return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  if (!m) throw new ForgeError('InvalidArgument', `invalid ${key} "${raw}": use seconds (30, 1.5s, 250ms or 2m)`);
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
  if (!(ms > 0)) throw new ForgeError('InvalidArgument', `invalid ${key} "${raw}": it must be above zero`);
  return Math.ceil(ms);
}

export function taskConfigFromSpec(
  task: { id: string; spec: RuntimeSpec; logPath: string; logMaxSize: number },
  digest = '',
): WasmTaskConfig {
  const { spec } = task;
  const [entry, ...args] = spec.process.args;
  if (!entry) throw new ForgeError('InvalidArgument', 'a wasm task needs the module as process.args[0]', { details: { reason: 'command-not-found' } });
  if (!path.isAbsolute(spec.root.path)) throw new ForgeError('InvalidArgument', `root.path must be absolute: ${spec.root.path}`);
  const module = path.join(spec.root.path, path.posix.normalize(`/${entry}`));
  const preopens: Preopen[] = [];
  for (const m of spec.mounts) {
    const bind = m.type === 'bind' || (m.options ?? []).some((o) => o === 'bind' || o === 'rbind');
    if (!bind || !m.source) {
      throw new ForgeError('InvalidArgument', `the wasm engine cannot mount ${m.type ?? 'this'} at ${m.destination}: only volumes and bind mounts become preopened directories`, {
        details: { reason: 'unsupported-mount', destination: m.destination },
      });
    }
    if (!path.posix.isAbsolute(m.destination)) throw new ForgeError('InvalidArgument', `mount destination must be absolute: ${m.destination}`);
    preopens.push({ guest: path.posix.normalize(m.destination), host: m.source, readonly: (m.options ?? []).includes('ro') });
  }
  const limit = spec.linux?.resources?.memory?.limit;
  const config: WasmTaskConfig = {
    version: 1,
    id: task.id,
    module,
    digest,
    args: [entry, ...args],
    env: spec.process.env,
    preopens,
    logPath: task.logPath,
    logMaxSize: task.logMaxSize,
    createdAt: new Date().toISOString(),
  };
  if (limit !== undefined && limit > 0) config.memoryPages = Math.max(1, Math.floor(limit / PAGE_BYTES));
  const timeoutMs = seconds(spec, ANNOTATION_TIMEOUT);
  const cpuMs = seconds(spec, ANNOTATION_CPU);
  if (timeoutMs !== undefined) config.timeoutMs = timeoutMs;
  if (cpuMs !== undefined) config.cpuMs = cpuMs;
  return config;
}

/** The module's environment as WASI wants it (KEY=VALUE strings → an object; later entries win). */
export function envObject(env: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    const i = e.indexOf('=');
    if (i > 0) out[e.slice(0, i)] = e.slice(i + 1);
  }
  return out;
}
