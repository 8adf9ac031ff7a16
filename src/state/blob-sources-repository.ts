/** Where each blob is known to live in a registry, so a push can mount instead of upload. */
import type { Db } from './database';
import type { Digest } from '../util/digest';

export class BlobSourcesRepository {
  constructor(private readonly db: Db) {}

  record(digest: Digest, registry: string, repository: string): void {
    this.db.prepare('INSERT OR IGNORE INTO blob_sources (digest, registry, repository) VALUES (?, ?, ?)').run(digest, registry, repository);
  }

  /** Repositories on `registry` known to hold `digest`. */
  repositoriesWith(digest: Digest, registry: string): string[] {
    return (
      this.db.prepare('SELECT repository FROM blob_sources WHERE digest = ? AND registry = ?').all(digest, registry) as Array<{ repository: string }>
    ).map((r) => r.repository);
  }

  forget(digests: Iterable<Digest>): void {
    const del = this.db.prepare('DELETE FROM blob_sources WHERE digest = ?');
    this.db.transaction(() => {
      for (const d of digests) del.run(d);
    })();
  }
}
