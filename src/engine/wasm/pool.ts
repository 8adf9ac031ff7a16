/**
 * The warm pool: standby hosts, each a booted Node process holding one module compiled, keyed by
 * the module's digest. A start whose digest has a ready standby skips booting Node (~40 ms of
 * CPU) and compiling; a cold start asks for a standby so the next one is warm. At most `size`
 * standbys (least recently used goes first); one nobody claims ends itself after `idleMs`.
 *
 * Standbys live under `<stateDir>/.pool/<sid>/` and survive the daemon like tasks do: a new
 * engine adopts the ready ones. A clean daemon stop drains them (they hold no user work).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../../util/logger';
import { readJson, exists } from './files';
import { poolRoot, standbyPaths } from './paths';
import { isAlive } from './proc';

export interface Standby {
  sid: string;
  pid: number;
  startTime: number;
  monitorPid: number;
}

interface Entry {
  sid: string;
  digest: string;
  monitorPid: number;
  spawnedAt: number;
}

export interface PoolOptions {
  stateDir: string;
  size: number;
  idleMs: number;
  /** Starts a standby host in `dir`; resolves with its monitor's PID. */
  launch: (dir: string) => Promise<number>;
  /**
   * Identifies the host code (its file's mtime and size): a standby left by another build of
   * ForgeOne (an upgrade) is never adopted, since it would run the old host code.
   */
  build: string;
  logger: Logger;
}

export class WarmPool {
  /** Digest → its standby, oldest use first (Map order). */
  private readonly entries = new Map<string, Entry>();
  private adopted: Promise<void> | undefined;
  private closed = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly o: PoolOptions) {}

  /** Takes the ready standby for `digest`, if there is one. */
  async claim(digest: string): Promise<Standby | undefined> {
    await this.adopt();
    const e = this.entries.get(digest);
    if (!e) return undefined;
    // Taken before any await: two creates of one module at once must never get the same standby.
    this.entries.delete(digest);
    const p = standbyPaths(this.o.stateDir, e.sid);
    const ready = await readJson<{ pid: number; startTime: number }>(p.ready);
    if (!ready) {
      // Still compiling: the caller starts cold, the standby stays for a later start.
      if (!this.entries.has(digest) && !this.closed) this.entries.set(digest, e);
      else await this.retire(e);
      return undefined;
    }
    if (!(await isAlive(ready.pid, ready.startTime))) {
      await fs.rm(p.dir, { recursive: true, force: true });
      return undefined;
    }
    return { sid: e.sid, pid: ready.pid, startTime: ready.startTime, monitorPid: e.monitorPid };
  }

  /** Makes sure a standby for `digest` exists or is on its way (never awaited on a start path). */
  warm(digest: string, module: string): Promise<void> {
    if (this.o.size <= 0 || this.closed) return Promise.resolve();
    const p = this.spawnFor(digest, module).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    return p;
  }

  private async spawnFor(digest: string, module: string): Promise<void> {
    await this.adopt();
    if (this.closed) return;
    const known = this.entries.get(digest);
    if (known) {
      this.entries.delete(digest);
      this.entries.set(digest, known);
      return;
    }
    while (this.entries.size >= this.o.size) {
      const [oldest, e] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldest);
      await this.retire(e);
    }
    const sid = randomBytes(8).toString('hex');
    const p = standbyPaths(this.o.stateDir, sid);
    await fs.mkdir(p.dir, { recursive: true, mode: 0o700 });
    await fs.writeFile(p.spec, JSON.stringify({ module, digest, idleMs: this.o.idleMs, build: this.o.build }));
    const entry: Entry = { sid, digest, monitorPid: 0, spawnedAt: Date.now() };
    this.entries.set(digest, entry);
    try {
      entry.monitorPid = await this.o.launch(p.dir);
    } catch (err) {
      this.entries.delete(digest);
      await fs.rm(p.dir, { recursive: true, force: true });
      this.o.logger.warn('wasm: could not start a standby host', { digest, error: (err as Error).message });
    }
  }

  /** Ends every standby (daemon stop, tests). */
  async drain(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.inFlight]);
    await this.adopt();
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => this.retire(e)));
  }

  /**
   * Standbys a previous engine (daemon) left: ready ones of this build are kept, the rest ended.
   * A standby that took a task is the task's host now: never touched here (engine.delete removes
   * its dir with the task), unless its monitor is gone and its task with it.
   */
  adopt(): Promise<void> {
    this.adopted ??= (async () => {
      let sids: string[];
      try {
        sids = await fs.readdir(poolRoot(this.o.stateDir));
      } catch {
        return;
      }
      for (const sid of sids) {
        const p = standbyPaths(this.o.stateDir, sid);
        const spec = await readJson<{ digest: string; build?: string }>(p.spec);
        const ready = await readJson<{ pid: number; startTime: number; monitorPid: number }>(p.ready);
        if (await exists(p.assign)) {
          const taskDir = (await readFile(p.taskDir, 'utf8').catch(() => '')).trim();
          if (!(await exists(path.join(taskDir || p.dir, 'task.json'))) && !(await this.monitorServes(ready?.monitorPid ?? 0, p.dir))) {
            await fs.rm(p.dir, { recursive: true, force: true });
          }
          continue;
        }
        if (spec?.build === this.o.build && ready && (await isAlive(ready.pid, ready.startTime)) && !this.entries.has(spec.digest)) {
          this.entries.set(spec.digest, { sid, digest: spec.digest, monitorPid: ready.monitorPid, spawnedAt: Date.now() });
        } else {
          await this.retire({ sid, digest: spec?.digest ?? '', monitorPid: ready?.monitorPid ?? 0, spawnedAt: 0 });
        }
      }
    })();
    return this.adopted;
  }

  private async monitorServes(pid: number, dir: string): Promise<boolean> {
    return pid > 0 && (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes(dir);
  }

  /** Ends a standby: its monitor's process group (monitor and host) at once, so neither writes into the dir as it goes. */
  private async retire(e: Entry): Promise<void> {
    const p = standbyPaths(this.o.stateDir, e.sid);
    const ready = await readJson<{ pid: number; startTime: number; monitorPid: number }>(p.ready);
    const monitor = e.monitorPid || ready?.monitorPid || 0;
    if (await this.monitorServes(monitor, p.dir)) signal(-monitor);
    else if (ready && (await isAlive(ready.pid, ready.startTime))) signal(ready.pid);
    await fs.rm(p.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
