/**
 * The WASM host process: `node main.js run <task dir>` or `node main.js standby <pool dir>`,
 * started by the engine under a monitor shell (launch.ts), never a child of the daemon. One host
 * runs one module, so a crashing or hostile module (a V8 fatal error, a memory blow-up) ends
 * only its own process, limits are per process (--wasm-max-mem-pages), and kill/pause are plain
 * signals. Kept small: it loads no zod, no database, nothing of the daemon.
 *
 * Standby: a host for a module digest started ahead of need (pool.ts). It compiles the module,
 * says `ready`, and waits: SIGUSR2 assigns it a task (the dir named in `assign`), which then
 * goes on as `run` does, with the compile already done. That is the only way a second start
 * skips compiling in Node 20, where a compiled WebAssembly.Module cannot be serialised
 * (v8.serialize yields 2 bytes that do not deserialise, measured). An idle standby ends itself.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { procInfoSync } from '../proc';
import { HOST_FAILED_EXIT_CODE, runTask, writeJsonAtomic } from './task';

process.title = 'forgeone-wasm';

interface StandbySpec {
  module: string;
  digest: string;
  idleMs: number;
}

function standby(dir: string): void {
  const spec = JSON.parse(readFileSync(path.join(dir, 'standby.json'), 'utf8')) as StandbySpec;
  const bytes = readFileSync(spec.module);
  if (`sha256:${createHash('sha256').update(bytes).digest('hex')}` !== spec.digest) {
    // The file changed since the engine asked: a standby for the wrong module must never serve.
    rmSync(dir, { recursive: true, force: true });
    process.exit(HOST_FAILED_EXIT_CODE);
  }
  const compiled = new WebAssembly.Module(bytes);
  const expire = () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  const idle = setTimeout(expire, spec.idleMs);
  const orphan = setInterval(() => existsSync(dir) || process.exit(0), 5000);
  process.once('SIGUSR2', () => {
    clearTimeout(idle);
    clearInterval(orphan);
    process.removeAllListeners('SIGUSR2');
    let taskDir: string;
    try {
      taskDir = readFileSync(path.join(dir, 'assign'), 'utf8').trim();
    } catch {
      return expire();
    }
    // Where the monitor writes the exit code from now on.
    writeFileSync(path.join(dir, 'task-dir'), `${taskDir}\n`);
    runTask(taskDir, compiled, dir);
  });
  writeJsonAtomic(path.join(dir, 'ready'), { pid: process.pid, startTime: procInfoSync(process.pid)?.startTime ?? 0, monitorPid: process.ppid });
}

const [mode, dir] = process.argv.slice(2);
if (!dir || (mode !== 'run' && mode !== 'standby')) {
  process.stderr.write('usage: main.js run|standby DIR\n');
  process.exit(2);
}
if (mode === 'run') runTask(dir);
else standby(dir);
