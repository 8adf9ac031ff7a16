import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { openDatabase, schemaVersion, type Db } from '../../../src/state/database';
import { ImagesRepository } from '../../../src/state/images-repository';
import { ForgeError } from '../../../src/errors';
import type { NewImage } from '../../../src/state/types';
import type { Digest } from '../../../src/util/digest';
import { makeTempDir, removeDir } from '../../fixtures/tmp';

const d = (c: string) => `sha256:${c.repeat(64)}` as Digest;

function image(m: string, blobs: string[]): NewImage {
  return {
    digest: d(m),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    manifestSize: 100,
    configDigest: d(String.fromCharCode(m.charCodeAt(0) + 1)),
    indexDigest: undefined,
    platform: 'linux/amd64',
    created: '2024-01-01T00:00:00Z',
    size: 1000,
    blobs: blobs.map(d),
  };
}

describe('ImagesRepository', () => {
  let dir: string;
  let db: Db;
  let repo: ImagesRepository;
  beforeEach(async () => {
    dir = await makeTempDir('forgeone-db-');
    db = openDatabase(path.join(dir, 'f.db'));
    repo = new ImagesRepository(db);
  });
  afterEach(async () => {
    db.close();
    await removeDir(dir);
  });

  it('migrates to the latest schema and is in WAL mode', () => {
    assert.ok(schemaVersion(db) >= 1);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  });

  it('refuses a database from a newer ForgeOne', () => {
    db.pragma('user_version = 999');
    db.close();
    assert.throws(() => openDatabase(path.join(dir, 'f.db')), (e: unknown) => e instanceof ForgeError && e.code === 'FailedPrecondition');
    db = openDatabase(path.join(dir, 'other.db'));
  });

  it('moves a name to a new image and reports the image it left without names', () => {
    assert.deepEqual(repo.save(image('a', ['a', 'b', 'c']), ['docker.io/library/x:latest'], ['docker.io/library/x@' + d('a')]), []);
    const orphaned = repo.save(image('c', ['c', 'd', 'e']), ['docker.io/library/x:latest'], []);
    assert.deepEqual(orphaned, [d('a')]);
    assert.equal(repo.byName('docker.io/library/x:latest')?.digest, d('c'));
    assert.deepEqual(repo.get(d('a'))?.names, []);
  });

  it('finds images by repo digest, own digest and ID prefix', () => {
    repo.save(image('a', ['a', 'b']), ['docker.io/library/x:latest'], ['docker.io/library/x@' + d('f')]);
    assert.equal(repo.byRepoDigest('docker.io/library/x', d('f'))?.digest, d('a'));
    assert.equal(repo.byRepoDigest('anything', d('a'))?.digest, d('a'));
    assert.equal(repo.byIdPrefix('bbbb').length, 1, 'config digest prefix');
    assert.equal(repo.byIdPrefix('%').length, 0, 'LIKE wildcards are not honoured');
  });

  it('reference roots are the union of every image blob list', () => {
    repo.save(image('a', ['a', 'b', 'c']), ['n1:latest'], []);
    repo.save(image('c', ['c', 'd']), ['n2:latest'], []);
    assert.deepEqual([...repo.referencedBlobs()].sort(), [d('a'), d('b'), d('c'), d('d')]);
    repo.delete(d('a'));
    assert.deepEqual([...repo.referencedBlobs()].sort(), [d('c'), d('d')]);
    assert.equal(repo.byName('n1:latest'), undefined);
  });

  it('untag removes one name; allNames lists what index.json must hold', () => {
    repo.save(image('a', ['a']), ['n1:latest', 'n2:latest'], []);
    assert.equal(repo.untag('n1:latest'), true);
    assert.equal(repo.untag('n1:latest'), false);
    assert.deepEqual(repo.allNames().map((n) => n.name), ['n2:latest']);
  });
});
