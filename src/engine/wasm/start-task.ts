/**
 * Bringing a task's host up to "created" (module instantiated, waiting for start): from a warm
 * standby when the pool has one for the module's digest, else a cold host. Either way the
 * engine waits for host.json (ready) or the exit file (the host failed: status.json says why),
 * and gives up when the monitor is gone without a word or after the ready timeout.
 */
import { promises as fs } from 'node:fs';
import { ForgeError } from '../../errors';
import { exists, readJson, waitForFiles } from './files';
import { standbyPaths, type HostRecord, type HostStatus, type WasmTaskPaths } from './paths';
import type { WarmPool } from './pool';
import { isAlive, procInfo } from './proc';
import type { WasmTaskConfig } from './task-config';

export interface Launcher {
  launch: (dir: string) => Promise<number>;
  pool: WarmPool;
  readyTimeoutMs: number;
  stateDir: string;
}

export async function startTask(l: Launcher, p: WasmTaskPaths, cfg: WasmTaskConfig): Promise<HostRecord> {
  const standby = await l.pool.claim(cfg.digest);
  if (standby) {
    await fs.writeFile(standbyPaths(l.stateDir, standby.sid).assign, p.dir);
    process.kill(standby.pid, 'SIGUSR2');
    const rec = await waitReady(l, p, async () => isAlive(standby.pid, standby.startTime));
    if (rec) return rec;
    // The standby died before it took the task: start cold (nothing of it is in the task dir).
  }
  const monitorPid = await l.launch(p.dir);
  const monitorStart = (await procInfo(monitorPid))?.startTime;
  const rec = await waitReady(l, p, async () => monitorStart !== undefined && isAlive(monitorPid, monitorStart));
  if (!rec) throw await hostGone(p, 'the wasm host ended without reporting');
  return rec;
}

/** host.json once written; throws for a host that failed; undefined when `alive` says it died silently. */
async function waitReady(l: Launcher, p: WasmTaskPaths, alive: () => Promise<boolean>): Promise<HostRecord | undefined> {
  let seen: string;
  try {
    seen = await waitForFiles(p.dir, ['host.json', 'exit'], {
      signal: AbortSignal.timeout(l.readyTimeoutMs),
      pollMs: 50,
      check: async () => ((await alive()) ? undefined : (await exists(p.exit)) ? 'exit' : (await exists(p.host)) ? 'host.json' : 'dead'),
    });
  } catch (err) {
    throw new ForgeError('Unavailable', `the wasm host did not report within ${l.readyTimeoutMs} ms`, { cause: err });
  }
  if (seen === 'dead') return undefined;
  if (seen === 'exit') throw await hostGone(p, 'the wasm host failed');
  const rec = await readJson<HostRecord>(p.host);
  if (!rec) throw new ForgeError('Internal', `unreadable ${p.host}`);
  return rec;
}

/** The error of a host that ended before it could run the module: its status.json, or the end of its own log. */
export async function hostGone(p: WasmTaskPaths, what: string): Promise<ForgeError> {
  const status = await readJson<HostStatus>(p.status);
  if (status?.reason === 'failed') {
    return new ForgeError((status.code as ForgeError['code']) ?? 'Internal', status.message ?? what, status.detailReason ? { details: { reason: status.detailReason } } : {});
  }
  const log = (await fs.readFile(p.hostLog, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join(' | ');
  return new ForgeError('Internal', `${what}${log ? `: ${log}` : ''}`);
}

