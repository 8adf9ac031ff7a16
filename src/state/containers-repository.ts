/**
 * The containers table (config written once) and container_state (written on every change,
 * before the change is reported). Names are unique; the database enforces it.
 */
import { ForgeError } from '../errors';
import type { Db } from './database';
import type { ContainerRecord, ContainerStateRecord } from './types';

interface ContainerRow {
  id: string;
  name: string;
  image: string;
  image_digest: string;
  image_id: string;
  engine: string;
  config: string;
  command: string;
  created_at: number;
}

interface StateRow {
  id: string;
  status: string;
  pid: number;
  monitor_pid: number;
  exit_code: number | null;
  oom_killed: number;
  error: string;
  started_at: number | null;
  finished_at: number | null;
  restart_count: number;
  last_backoff_ms: number;
  stopped_by_user: number;
  rootfs_mounted: number;
  updated_at: number;
}

export type StatePatch = Partial<Omit<ContainerStateRecord, 'id' | 'updatedAt'>>;

/** Identity and lifecycle of a container, without its config (metrics, issue 6). */
export interface ContainerLifecycleRow {
  id: string;
  name: string;
  image: string;
  engine: string;
  status: string;
  restartCount: number;
  startedAt: number | undefined;
  exitCode: number | undefined;
  finishedAt: number | undefined;
  /** The task's PID 1 while it runs (0 otherwise). */
  pid: number;
}

export class ContainersRepository {
  constructor(private readonly db: Db) {}

  /** Inserts the container and its first state in one transaction; a taken name is AlreadyExists. */
  insert(record: ContainerRecord, status: string): void {
    try {
      this.db.transaction(() => {
        this.db
          .prepare('INSERT INTO containers (id, name, image, image_digest, image_id, engine, config, command, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(record.id, record.name, record.image, record.imageDigest, record.imageId, record.engine, JSON.stringify(record.config), JSON.stringify(record.command), record.createdAt);
        this.db.prepare('INSERT INTO container_state (id, status, updated_at) VALUES (?, ?, ?)').run(record.id, status, Date.now());
      })();
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && String(err).includes('containers.name')) {
        throw new ForgeError('Conflict', `the container name "/${record.name}" is already in use`, {
          hint: 'remove that container, or choose another --name',
          details: { name: record.name },
        });
      }
      throw err;
    }
  }

  get(id: string): ContainerRecord | undefined {
    const row = this.db.prepare('SELECT * FROM containers WHERE id = ?').get(id) as ContainerRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  byName(name: string): ContainerRecord | undefined {
    const row = this.db.prepare('SELECT * FROM containers WHERE name = ?').get(name) as ContainerRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  byIdPrefix(prefix: string): ContainerRecord[] {
    if (!/^[a-f0-9]{1,64}$/.test(prefix)) return [];
    return (this.db.prepare('SELECT * FROM containers WHERE id LIKE ?').all(`${prefix}%`) as ContainerRow[]).map(toRecord);
  }

  list(): ContainerRecord[] {
    return (this.db.prepare('SELECT * FROM containers ORDER BY created_at DESC').all() as ContainerRow[]).map(toRecord);
  }

  /** How many containers were created from each image (manifest digest). */
  countByImage(): Map<string, number> {
    const rows = this.db.prepare('SELECT image_digest, COUNT(*) AS n FROM containers GROUP BY image_digest').all() as Array<{ image_digest: string; n: number }>;
    return new Map(rows.map((r) => [r.image_digest, r.n]));
  }

  rename(id: string, name: string): void {
    try {
      this.db.prepare('UPDATE containers SET name = ? WHERE id = ?').run(name, id);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ForgeError('Conflict', `the container name "/${name}" is already in use`);
      }
      throw err;
    }
  }

  /** Records the resolved command once the spec is built (still part of create). */
  setCommand(id: string, command: string[]): void {
    this.db.prepare('UPDATE containers SET command = ? WHERE id = ?').run(JSON.stringify(command), id);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM containers WHERE id = ?').run(id);
  }

  state(id: string): ContainerStateRecord | undefined {
    const row = this.db.prepare('SELECT * FROM container_state WHERE id = ?').get(id) as StateRow | undefined;
    return row ? toState(row) : undefined;
  }

  /**
   * Every container's identity and lifecycle in one query, configs left unparsed: metrics scrapes
   * ask for this every few seconds, and list() + allStates() cost ~5 ms at 500 containers.
   */
  lifecycleRows(): ContainerLifecycleRow[] {
    const rows = this.db
      .prepare(
        'SELECT c.id, c.name, c.image, c.engine, s.status, s.restart_count, s.started_at, s.exit_code, s.finished_at, s.pid FROM containers c JOIN container_state s ON s.id = c.id ORDER BY c.created_at DESC',
      )
      .all() as Array<Pick<ContainerRow, 'id' | 'name' | 'image' | 'engine'> & Pick<StateRow, 'status' | 'restart_count' | 'started_at' | 'exit_code' | 'finished_at' | 'pid'>>;
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      image: r.image,
      engine: r.engine,
      status: r.status,
      restartCount: r.restart_count,
      startedAt: r.started_at ?? undefined,
      exitCode: r.exit_code ?? undefined,
      finishedAt: r.finished_at ?? undefined,
      pid: r.pid ?? 0,
    }));
  }

  allStates(): ContainerStateRecord[] {
    return (this.db.prepare('SELECT * FROM container_state').all() as StateRow[]).map(toState);
  }

  /** Applies a patch to the state record; durable when it returns (WAL, synchronous=FULL). */
  updateState(id: string, patch: StatePatch): ContainerStateRecord {
    const columns: Record<keyof StatePatch, string> = {
      status: 'status',
      pid: 'pid',
      monitorPid: 'monitor_pid',
      exitCode: 'exit_code',
      oomKilled: 'oom_killed',
      error: 'error',
      startedAt: 'started_at',
      finishedAt: 'finished_at',
      restartCount: 'restart_count',
      lastBackoffMs: 'last_backoff_ms',
      stoppedByUser: 'stopped_by_user',
      rootfsMounted: 'rootfs_mounted',
    };
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(patch) as Array<[keyof StatePatch, unknown]>) {
      sets.push(`${columns[key]} = ?`);
      values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value === undefined ? null : value);
    }
    sets.push('updated_at = ?');
    values.push(Date.now());
    const info = this.db.prepare(`UPDATE container_state SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    if (info.changes === 0) throw new ForgeError('NotFound', `No such container: ${id}`);
    return this.state(id)!;
  }
}

function toRecord(row: ContainerRow): ContainerRecord {
  return {
    id: row.id,
    name: row.name,
    image: row.image,
    imageDigest: row.image_digest,
    imageId: row.image_id,
    engine: row.engine,
    config: JSON.parse(row.config) as unknown,
    command: JSON.parse(row.command) as string[],
    createdAt: row.created_at,
  };
}

function toState(row: StateRow): ContainerStateRecord {
  return {
    id: row.id,
    status: row.status,
    pid: row.pid,
    monitorPid: row.monitor_pid,
    exitCode: row.exit_code ?? undefined,
    oomKilled: row.oom_killed === 1,
    error: row.error,
    startedAt: row.started_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    restartCount: row.restart_count,
    lastBackoffMs: row.last_backoff_ms,
    stoppedByUser: row.stopped_by_user === 1,
    rootfsMounted: row.rootfs_mounted === 1,
    updatedAt: row.updated_at,
  };
}
