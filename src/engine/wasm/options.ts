/** Options of the WASM engine and their defaults. */
import * as path from 'node:path';
import type { Logger } from '../../util/logger';
import { DEFAULT_NODE_FLAGS } from './launch';

export interface WasmEngineOptions {
  /** Per-task state: `<stateDir>/<id>/` (on tmpfs, e.g. `<runroot>/wasm`); the warm pool is `<stateDir>/.pool`. */
  stateDir: string;
  logger: Logger;
  /** Node binary for host processes. Default: the daemon's own (process.execPath). */
  nodePath?: string;
  /** The host entry point. Default: host/main.js beside this file. */
  hostScript?: string;
  /** Node flags of host processes. Default DEFAULT_NODE_FLAGS (launch.ts). */
  nodeFlags?: string[];
  /**
   * Standby hosts kept compiled and ready, one per recently started module digest (pool.ts).
   * 0 turns the pool off: every start boots a host and compiles. Default 4.
   */
  poolSize?: number;
  /** A standby nobody claims ends itself after this long. Default 300 000 ms. */
  poolIdleMs?: number;
  /** How long create waits for the host to report the module instantiated. Default 30 000 ms. */
  readyTimeoutMs?: number;
}

export type ResolvedWasmOptions = Required<WasmEngineOptions>;

export function resolveWasmOptions(o: WasmEngineOptions): ResolvedWasmOptions {
  return {
    stateDir: o.stateDir,
    logger: o.logger,
    nodePath: o.nodePath ?? process.execPath,
    hostScript: o.hostScript ?? path.join(__dirname, 'host', 'main.js'),
    nodeFlags: o.nodeFlags ?? DEFAULT_NODE_FLAGS,
    poolSize: o.poolSize ?? 4,
    poolIdleMs: o.poolIdleMs ?? 300_000,
    readyTimeoutMs: o.readyTimeoutMs ?? 30_000,
  };
}
