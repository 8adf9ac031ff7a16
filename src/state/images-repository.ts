/**
 * The images table and the names and repo digests that point at its rows. Every write is one
 * transaction, so a name never points at a missing image and an image never loses its names
 * halfway.
 */
import type { Db } from './database';
import type { ImageRecord, NewImage } from './types';
import type { Digest } from '../util/digest';

interface ImageRow {
  digest: string;
  media_type: string;
  manifest_size: number;
  config_digest: string;
  index_digest: string | null;
  platform: string;
  created: string | null;
  size: number;
  blobs: string;
  added_at: number;
}

export class ImagesRepository {
  constructor(private readonly db: Db) {}

  /**
   * Records an image (or refreshes an existing row) and points `names` at it; a name that pointed
   * elsewhere moves. Returns the digests of images left with no name by the move.
   */
  save(image: NewImage, names: string[], repoDigests: string[]): Digest[] {
    return this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO images (digest, media_type, manifest_size, config_digest, index_digest, platform, created, size, blobs, added_at)
           VALUES (@digest, @mediaType, @manifestSize, @configDigest, @indexDigest, @platform, @created, @size, @blobs, @addedAt)
           ON CONFLICT(digest) DO UPDATE SET index_digest = COALESCE(excluded.index_digest, images.index_digest),
             blobs = excluded.blobs, size = excluded.size`,
        )
        .run({
          digest: image.digest,
          mediaType: image.mediaType,
          manifestSize: image.manifestSize,
          configDigest: image.configDigest,
          platform: image.platform,
          size: image.size,
          indexDigest: image.indexDigest ?? null,
          created: image.created ?? null,
          blobs: JSON.stringify(image.blobs),
          addedAt: Date.now(),
        });
      const orphaned = new Set<Digest>();
      for (const name of names) {
        const previous = this.db.prepare('SELECT image_digest FROM image_names WHERE name = ?').get(name) as { image_digest: Digest } | undefined;
        if (previous && previous.image_digest !== image.digest) orphaned.add(previous.image_digest);
        this.db
          .prepare(
            `INSERT INTO image_names (name, image_digest, updated_at) VALUES (?, ?, ?)
             ON CONFLICT(name) DO UPDATE SET image_digest = excluded.image_digest, updated_at = excluded.updated_at`,
          )
          .run(name, image.digest, Date.now());
      }
      for (const rd of repoDigests) {
        this.db
          .prepare('INSERT INTO repo_digests (repo_digest, image_digest) VALUES (?, ?) ON CONFLICT(repo_digest) DO UPDATE SET image_digest = excluded.image_digest')
          .run(rd, image.digest);
      }
      return [...orphaned].filter((d) => this.namesOf(d).length === 0);
    })();
  }

  get(digest: Digest): ImageRecord | undefined {
    const row = this.db.prepare('SELECT * FROM images WHERE digest = ?').get(digest) as ImageRow | undefined;
    return row ? this.hydrate(row) : undefined;
  }

  /** The image a full name (`docker.io/library/busybox:latest`) points at. */
  byName(name: string): ImageRecord | undefined {
    const row = this.db
      .prepare('SELECT images.* FROM image_names JOIN images ON images.digest = image_names.image_digest WHERE image_names.name = ?')
      .get(name) as ImageRow | undefined;
    return row ? this.hydrate(row) : undefined;
  }

  /** The image a `repo@digest` names: by a recorded repo digest, or by its own manifest digest. */
  byRepoDigest(repository: string, digest: Digest): ImageRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT images.* FROM repo_digests JOIN images ON images.digest = repo_digests.image_digest WHERE repo_digests.repo_digest = ?
         UNION SELECT * FROM images WHERE digest = ? OR index_digest = ? LIMIT 1`,
      )
      .get(`${repository}@${digest}`, digest, digest) as ImageRow | undefined;
    return row ? this.hydrate(row) : undefined;
  }

  /** Images whose ID (config digest) or manifest digest starts with `hexPrefix`. */
  byIdPrefix(hexPrefix: string): ImageRecord[] {
    // Only hex reaches LIKE, so % and _ in user input can never widen the match.
    if (!/^[a-f0-9]{1,64}$/.test(hexPrefix)) return [];
    const like = `sha256:${hexPrefix}%`;
    const rows = this.db.prepare('SELECT * FROM images WHERE config_digest LIKE ? OR digest LIKE ?').all(like, like) as ImageRow[];
    return rows.map((r) => this.hydrate(r));
  }

  list(): ImageRecord[] {
    const rows = this.db.prepare('SELECT * FROM images ORDER BY added_at DESC').all() as ImageRow[];
    return rows.map((r) => this.hydrate(r));
  }

  /** Every (name, manifest) pair, for the content store's index.json. */
  allNames(): Array<{ name: string; digest: Digest; mediaType: string; size: number }> {
    return this.db
      .prepare(
        `SELECT image_names.name AS name, images.digest AS digest, images.media_type AS mediaType, images.manifest_size AS size
         FROM image_names JOIN images ON images.digest = image_names.image_digest ORDER BY name`,
      )
      .all() as Array<{ name: string; digest: Digest; mediaType: string; size: number }>;
  }

  namesOf(digest: Digest): string[] {
    return (this.db.prepare('SELECT name FROM image_names WHERE image_digest = ? ORDER BY name').all(digest) as Array<{ name: string }>).map(
      (r) => r.name,
    );
  }

  /** Removes one name; returns true when it existed. */
  untag(name: string): boolean {
    return this.db.prepare('DELETE FROM image_names WHERE name = ?').run(name).changes > 0;
  }

  /** Removes an image row with its names and repo digests. */
  delete(digest: Digest): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM image_names WHERE image_digest = ?').run(digest);
      this.db.prepare('DELETE FROM repo_digests WHERE image_digest = ?').run(digest);
      this.db.prepare('DELETE FROM images WHERE digest = ?').run(digest);
    })();
  }

  /** Removes repo digests of `repository` that point at `digest` (Docker drops them with the last tag of that repo). */
  dropRepoDigests(digest: Digest, repository: string): void {
    this.db.prepare('DELETE FROM repo_digests WHERE image_digest = ? AND repo_digest LIKE ?').run(digest, `${repository}@%`);
  }

  /** Union of every blob any image keeps alive: the roots of garbage collection. */
  referencedBlobs(): Set<Digest> {
    const out = new Set<Digest>();
    for (const row of this.db.prepare('SELECT blobs FROM images').all() as Array<{ blobs: string }>) {
      for (const d of JSON.parse(row.blobs) as Digest[]) out.add(d);
    }
    return out;
  }

  private hydrate(row: ImageRow): ImageRecord {
    const digest = row.digest as Digest;
    return {
      digest,
      mediaType: row.media_type,
      manifestSize: row.manifest_size,
      configDigest: row.config_digest as Digest,
      indexDigest: (row.index_digest ?? undefined) as Digest | undefined,
      platform: row.platform,
      created: row.created ?? undefined,
      size: row.size,
      blobs: JSON.parse(row.blobs) as Digest[],
      addedAt: row.added_at,
      names: this.namesOf(digest),
      repoDigests: (
        this.db.prepare('SELECT repo_digest FROM repo_digests WHERE image_digest = ? ORDER BY repo_digest').all(digest) as Array<{ repo_digest: string }>
      ).map((r) => r.repo_digest),
    };
  }
}
