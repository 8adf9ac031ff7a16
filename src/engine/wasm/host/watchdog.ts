/**
 * Wall-clock and CPU-time limits. The module runs synchronously on the host's main thread, so
 * no timer there can interrupt it; a worker thread can. It is armed when the module starts,
 * records why in status.json and the log, then ends the whole process with a signal whose
 * default action is to terminate it: SIGALRM for the wall clock (exit 142), SIGXCPU for CPU
 * time (exit 152). CPU is the process's (process.cpuUsage), which is the module's plus a
 * little of the host. Started at create only when a limit is set: a worker costs ~40 ms of CPU
 * and a few MB, off the start path since it boots while the task waits to be started.
 */
import { Worker } from 'node:worker_threads';

export interface WatchdogLimits {
  timeoutMs?: number;
  cpuMs?: number;
  statusFile: string;
  logPath: string;
}

const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const fs = require('node:fs');
const ts = () => { const d = new Date(); return d.toISOString().slice(0, 19) + '.' + String(d.getUTCMilliseconds() * 1e6).padStart(9, '0') + '+00:00'; };
function fire(reason, signal, message) {
  try { fs.writeFileSync(w.statusFile, JSON.stringify({ reason, message })); } catch {}
  try { fs.appendFileSync(w.logPath, ts() + ' stderr F forgeone: ' + message + '\\n'); } catch {}
  process.kill(process.pid, signal);
}
parentPort.once('message', () => {
  const started = Date.now();
  const tick = () => {
    if (w.timeoutMs && Date.now() - started >= w.timeoutMs) return fire('timeout', 'SIGALRM', 'wall-clock timeout of ' + w.timeoutMs / 1000 + ' s reached; the module was stopped');
    if (w.cpuMs) {
      const u = process.cpuUsage();
      if ((u.user + u.system) / 1000 >= w.cpuMs) return fire('cpu-limit', 'SIGXCPU', 'CPU time limit of ' + w.cpuMs / 1000 + ' s reached; the module was stopped');
    }
    const left = w.timeoutMs ? w.timeoutMs - (Date.now() - started) : Infinity;
    setTimeout(tick, Math.max(1, Math.min(left, w.cpuMs ? 50 : left)));
  };
  tick();
});
`;

export interface Watchdog {
  arm(): void;
}

export function startWatchdog(limits: WatchdogLimits): Watchdog | undefined {
  if (!limits.timeoutMs && !limits.cpuMs) return undefined;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: limits, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 } });
  worker.unref();
  return { arm: () => worker.postMessage('arm') };
}
