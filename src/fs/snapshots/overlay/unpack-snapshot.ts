/**
 * Makes one snapshot: unpack the layer into a scratch dir beside the snapshots, verify its diffID,
 * optionally flush it to disk, rename it into place. Any failure removes the scratch dir, so a
 * failed or interrupted unpack leaves nothing that looks like a snapshot.
 */
import { promises as fs } from 'node:fs';
import type { Digest } from '../../../util/digest';
import { shortId } from '../../../util/digest';
import type { Logger } from '../../../util/logger';
import type { ProgressSink } from '../../../util/progress';
import type { LayerSource, SnapshotInfo, SpecialFiles } from '../../types';
import { unpackLayer } from '../../unpack/unpack';
import type { XattrPolicy } from '../../unpack/xattr-policy';
import type { SnapshotDirs } from './snapshot-dirs';

export interface UnpackSnapshotInput {
  layer: LayerSource;
  chainId: Digest;
  parent: Digest | undefined;
  /** fs dirs of the snapshots below, nearest first. */
  lowers: string[];
}

export interface UnpackSnapshotDeps {
  dirs: SnapshotDirs;
  special: SpecialFiles;
  xattrPolicy: XattrPolicy | undefined;
  durable: boolean;
  logger: Logger;
  onProgress: ProgressSink | undefined;
}

/** Progress lines at most this often per layer. */
const PROGRESS_INTERVAL_MS = 100;

export async function unpackSnapshot(input: UnpackSnapshotInput, deps: UnpackSnapshotDeps): Promise<void> {
  const { layer, chainId } = input;
  const id = shortId(layer.digest);
  const scratch = await deps.dirs.scratch(chainId);
  let last = 0;
  const onBytes = deps.onProgress
    ? (current: number) => {
        const now = Date.now();
        if (now - last < PROGRESS_INTERVAL_MS) return;
        last = now;
        deps.onProgress?.({ id, status: 'Extracting', progressDetail: { current, total: layer.size } });
      }
    : undefined;
  const started = Date.now();
  try {
    const result = await unpackLayer(layer.stream ?? layer.path, layer.mediaType, scratch.fs, {
      special: deps.special,
      lowers: input.lowers,
      expectedDiffId: layer.diffId,
      ...(deps.xattrPolicy ? { xattrPolicy: deps.xattrPolicy } : {}),
      ...(onBytes ? { onBytes } : {}),
    });
    deps.onProgress?.({ id, status: 'Extracting', progressDetail: { current: layer.size, total: layer.size } });
    if (deps.durable) await deps.special.syncFs(scratch.dir);
    const info: SnapshotInfo = {
      chainId,
      ...(input.parent ? { parent: input.parent } : {}),
      diffId: layer.diffId,
      digest: layer.digest,
      size: result.size,
      createdAt: new Date().toISOString(),
    };
    await deps.dirs.commit(scratch, info);
    for (const s of result.skipped) deps.logger.info('layer entry skipped', { layer: id, path: s.path, reason: s.reason });
    deps.logger.debug('layer unpacked', { layer: id, chainId, entries: result.entries, bytes: result.size, ms: Date.now() - started });
  } catch (err) {
    await fs.rm(scratch.dir, { recursive: true, force: true });
    throw err;
  }
}
