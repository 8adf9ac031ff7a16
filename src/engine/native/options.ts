/**
 * Options of the native engine (conmon + crun/runc) and their defaults.
 */
import type { Logger } from '../../util/logger';
import type { ProcessRunner } from './process-runner';

export type OciRuntimeName = 'crun' | 'runc';

export interface NativeEngineOptions {
  /** The OCI runtime conmon runs. */
  runtime: OciRuntimeName;
  /** Path of the runtime binary. Default: `/usr/bin/crun` or `/usr/sbin/runc`. */
  runtimePath?: string;
  /** Path of conmon. Default `/usr/bin/conmon`. */
  conmonPath?: string;
  /** Per-task runtime state: `<stateDir>/<id>/` (on tmpfs, e.g. `<runroot>/containers`). */
  stateDir: string;
  /** Bundles: the engine writes `<bundleRoot>/<id>/config.json` (e.g. `<root>/containers`). */
  bundleRoot: string;
  /** The runtime's own state (`crun --root`), e.g. `<runroot>/crun`. */
  runtimeRoot: string;
  logger: Logger;
  /** Runs crun/runc; injected by tests. Default: child_process. */
  runner?: ProcessRunner;
  /** How long to wait for conmon's answer on the sync pipe. Default 30 000 ms. */
  syncTimeoutMs?: number;
}

export interface ResolvedNativeOptions extends Required<Omit<NativeEngineOptions, 'runner'>> {
  runner: ProcessRunner;
}

const DEFAULT_RUNTIME_PATH: Record<OciRuntimeName, string> = { crun: '/usr/bin/crun', runc: '/usr/sbin/runc' };

export function resolveOptions(options: NativeEngineOptions, runner: ProcessRunner): ResolvedNativeOptions {
  return {
    runtime: options.runtime,
    runtimePath: options.runtimePath ?? DEFAULT_RUNTIME_PATH[options.runtime],
    conmonPath: options.conmonPath ?? '/usr/bin/conmon',
    stateDir: options.stateDir,
    bundleRoot: options.bundleRoot,
    runtimeRoot: options.runtimeRoot,
    logger: options.logger,
    syncTimeoutMs: options.syncTimeoutMs ?? 30_000,
    runner: options.runner ?? runner,
  };
}
