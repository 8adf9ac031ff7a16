/**
 * `forgeone save --format oci-archive`: a tar of an OCI image layout, as skopeo's oci-archive:
 * transport and `podman save --format oci-archive` write it. index.json names each image twice:
 * org.opencontainers.image.ref.name holds the tag (what `oci-archive:FILE:TAG` selects) and
 * io.containerd.image.name the full reference (what containerd and our importer read). Two
 * images with the same tag in different repositories are both listed; tools that select by
 * tag alone then see an ambiguous tag, which is why the full name rides along.
 */
import type { Writable } from 'node:stream';
import type { ContentStore } from '../types';
import { planExport, writeLayout, writeTar } from './layout-writer';
import type { ArchiveImage } from './types';

/** Writes `images` to `out` as an OCI archive and ends `out`; NotFound before any byte when a blob is missing. */
export async function exportOciArchive(store: ContentStore, images: ArchiveImage[], out: Writable): Promise<void> {
  const plan = await planExport(store, images);
  await writeTar(out, (tarw) => writeLayout(tarw, store, plan));
}
