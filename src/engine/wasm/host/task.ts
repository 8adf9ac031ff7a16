/**
 * One task inside a host process: prepare (compile unless a standby already did, instantiate
 * with WASI, apply the memory limit), report ready in host.json, wait for SIGUSR2 (the engine's
 * `start`), run `_start` on this thread, record why it ended in status.json, exit with the
 * module's code. The monitor shell turns that exit into the task's exit file.
 *
 * Signals once the module runs: the host installs no handler, so SIGTERM, SIGINT, SIGKILL… end
 * it at once with 128+n, whatever the module does (WASI has no signals). SIGSTOP/SIGCONT pause.
 */
import { existsSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { WASI } from 'node:wasi';
import { ForgeError } from '../../../errors';
import { checkModule, mib, PAGE_BYTES, type ModuleInfo } from '../module-info';
import type { HostRecord, HostStatus } from '../paths';
import { procInfoSync } from '../proc';
import { envObject, type WasmTaskConfig } from '../task-config';
import { LogWriter } from './log-writer';
import { startWatchdog } from './watchdog';
import { guardedImports } from './wasi-imports';

/** The exit code of a trap, as wasmtime reports one on Unix (128 + SIGABRT). */
export const TRAP_EXIT_CODE = 134;
/** The host could not start the module (a ForgeOne failure, like Docker's 125). */
export const HOST_FAILED_EXIT_CODE = 125;

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(value));
  renameSync(`${file}.tmp`, file);
}

function failure(err: unknown): HostStatus {
  if (err instanceof ForgeError) {
    const detailReason = err.details?.reason as string | undefined;
    return { reason: 'failed', code: err.code, message: err.message, ...(detailReason ? { detailReason } : {}) };
  }
  const e = err as Error;
  if (e instanceof RangeError && /memory/i.test(e.message)) {
    return { reason: 'failed', code: 'InvalidArgument', detailReason: 'memory-limit', message: `the module's initial linear memory does not fit the memory limit: ${e.message}` };
  }
  if (e instanceof WebAssembly.LinkError) return { reason: 'failed', code: 'InvalidArgument', detailReason: 'unknown-import', message: `cannot link the module: ${e.message}` };
  if (e instanceof WebAssembly.CompileError) return { reason: 'failed', code: 'InvalidArgument', detailReason: 'not-wasm', message: `cannot compile the module: ${e.message}` };
  const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'FailedPrecondition' : 'Internal';
  return { reason: 'failed', code, message: e?.message ?? String(err) };
}

function infoOf(module: WebAssembly.Module): ModuleInfo {
  return {
    imports: WebAssembly.Module.imports(module).map((i) => ({ module: i.module, name: i.name, kind: i.kind })),
    exports: WebAssembly.Module.exports(module).map((e) => e.name),
  };
}

export function runTask(dir: string, compiled?: WebAssembly.Module, standbyDir?: string): void {
  const statusFile = path.join(dir, 'status.json');
  let cfg: WasmTaskConfig;
  let log: LogWriter | undefined;
  let wasi: WASI;
  let instance: WebAssembly.Instance;
  let watchdog: ReturnType<typeof startWatchdog>;
  try {
    cfg = JSON.parse(readFileSync(path.join(dir, 'task.json'), 'utf8')) as WasmTaskConfig;
    log = new LogWriter(cfg.logPath, cfg.logMaxSize);
    // Per process, so it bounds this module only; V8 reads it when a memory is allocated or grown.
    if (cfg.memoryPages) setFlagsFromString(`--wasm-max-mem-pages=${cfg.memoryPages}`);
    const module = compiled ?? new WebAssembly.Module(readFileSync(cfg.module));
    wasi = new WASI({
      version: 'preview1',
      args: cfg.args,
      env: envObject(cfg.env),
      preopens: Object.fromEntries(cfg.preopens.map((p) => [p.guest, p.host])),
      returnOnExit: true,
    });
    const base = wasi.getImportObject() as WebAssembly.Imports;
    checkModule(infoOf(module), { wasiFunctions: new Set(Object.keys(base.wasi_snapshot_preview1 as object)) });
    const g = guardedImports(base, cfg.preopens, log, cfg.stdin ? stdinReader(cfg.stdin) : undefined);
    instance = new WebAssembly.Instance(module, g.imports);
    g.bind(instance.exports.memory as WebAssembly.Memory);
    watchdog = startWatchdog({ timeoutMs: cfg.timeoutMs, cpuMs: cfg.cpuMs, statusFile, logPath: cfg.logPath });
  } catch (err) {
    writeJsonAtomic(statusFile, failure(err));
    log?.close();
    writeFileSync(path.join(dir, 'exit.tmp'), `${HOST_FAILED_EXIT_CODE}\n`);
    renameSync(path.join(dir, 'exit.tmp'), path.join(dir, 'exit'));
    process.exit(HOST_FAILED_EXIT_CODE);
  }
  // The task dir gone (deleted before start) means nobody will start us.
  const orphan = setInterval(() => existsSync(dir) || process.exit(HOST_FAILED_EXIT_CODE), 5000);
  process.on('SIGUSR2', () => {
    clearInterval(orphan);
    // Back to the default action, so a later SIGUSR2 ends the module like any other signal.
    process.removeAllListeners('SIGUSR2');
    writeFileSync(path.join(dir, 'started'), new Date().toISOString());
    watchdog?.arm();
    runModule(dir, cfg, wasi, instance, log!, statusFile);
  });
  const self = procInfoSync(process.pid);
  const monitor = procInfoSync(process.ppid);
  const record: HostRecord = { pid: process.pid, startTime: self?.startTime ?? 0, monitorPid: process.ppid, monitorStartTime: monitor?.startTime ?? 0, ...(standbyDir ? { standbyDir } : {}) };
  writeJsonAtomic(path.join(dir, 'host.json'), record);
}

/**
 * Opened at the first read, so a module that never reads stdin never waits for a writer. With
 * `once` (StdinOnce) it is opened read-only: EOF comes when the last attached writer closes;
 * otherwise read-write, so the host itself keeps a writer and detaching never ends stdin.
 */
function stdinReader(s: { fifo: string; once: boolean }): (into: Buffer) => number {
  let fd: number | undefined;
  return (into) => {
    fd ??= openSync(s.fifo, s.once ? 'r' : 'r+');
    return readSync(fd, into, 0, into.length, null);
  };
}

/**
 * A failed memory.grow is invisible from outside the module (it returns -1 to the module), so a
 * failure is put down to the limit when the memory ended within a grow of it: a quarter of the
 * limit, or 1 MiB, whichever is more (allocators grow in steps of that order).
 */
export function nearLimit(pages: number, limit: number): boolean {
  return limit - pages <= Math.max(16, Math.ceil(limit / 4));
}

function runModule(dir: string, cfg: WasmTaskConfig, wasi: WASI, instance: WebAssembly.Instance, log: LogWriter, statusFile: string): never {
  let code = 0;
  const status: HostStatus = { reason: 'exit' };
  try {
    const rc = wasi.start(instance) as number | undefined;
    code = typeof rc === 'number' ? rc : 0;
  } catch (err) {
    // A trap (unreachable, out-of-bounds access, stack overflow…): the module ends, the host does not.
    const e = err as Error;
    code = TRAP_EXIT_CODE;
    status.reason = 'trap';
    status.message = `wasm trap: ${e.message}`;
    // The module's own frames only: the host's are noise to the module's author.
    const frames = (e.stack ?? '').split('\n').filter((l) => l.includes('wasm://')).slice(0, 8).map((l) => l.trim()).join('\n  ');
    log.write('stderr', Buffer.from(`forgeone: ${status.message}${frames ? `\n  ${frames}` : ''}\n`));
  }
  const memory = instance.exports.memory as WebAssembly.Memory | undefined;
  const pages = memory ? memory.buffer.byteLength / PAGE_BYTES : 0;
  if (cfg.memoryPages && code !== 0 && nearLimit(pages, cfg.memoryPages)) {
    status.reason = 'memory-limit';
    status.message = `the module failed with its linear memory at ${mib(pages)} of its ${mib(cfg.memoryPages)} limit: the limit is the likely cause (${status.message ?? `exit code ${code}`})`;
    log.write('stderr', Buffer.from(`forgeone: ${status.message}\n`));
  }
  // Exit codes are 8 bits; a non-zero code must not wrap to success.
  const exit = code !== 0 && (code & 0xff) === 0 ? 1 : code & 0xff;
  status.exitCode = exit;
  writeJsonAtomic(statusFile, status);
  log.close();
  // The exit file now, not from the monitor after Node's teardown: waiters learn a few ms sooner.
  writeFileSync(`${dir}/exit.tmp`, `${exit}\n`);
  renameSync(`${dir}/exit.tmp`, `${dir}/exit`);
  process.exit(exit);
}
