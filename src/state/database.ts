/**
 * Opens the SQLite metadata database (better-sqlite3, WAL) and brings its schema up to date.
 * WAL with synchronous=FULL: a change is on disk when the statement returns, so a state
 * written before an action is reported done survives `kill -9` and power loss.
 */
import Database from 'better-sqlite3';
import { ForgeError } from '../errors';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Read-only access (for tools inspecting a root without a daemon). Default false. */
  readonly?: boolean;
  /** Migrations to apply; default the product's. */
  migrations?: readonly Migration[];
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, timeout: 5000 });
  } catch (err) {
    throw new ForgeError('Unavailable', `cannot open database ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  db.pragma('foreign_keys = ON');
  migrate(db, options.migrations ?? MIGRATIONS);
  reuseStatements(db);
  return db;
}

/** How many compiled statements are kept; UPDATEs built from the fields given vary a little. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Repositories call `db.prepare(sql)` at each use; compiling is ~0.1 ms a statement, a dozen per
 * container start (bench/README.md). Here each SQL text is compiled once and its statement reused.
 * A reused statement is shared: one caller must not change its mode (pluck, raw, expand,
 * safeIntegers) unless every caller of that SQL text asks the same.
 */
function reuseStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(sql, stmt);
    }
    return stmt;
  }) as Db['prepare'];
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > latest) {
    throw new ForgeError('FailedPrecondition', `database schema version ${current} is newer than this ForgeOne knows (${latest})`, {
      hint: 'run the ForgeOne version that created this data root, or a newer one',
    });
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
