/**
 * `forgeone save` in the format of `docker save` (Docker 25+): an OCI image layout plus Docker's
 * manifest.json and repositories, so both `docker load` of any version and OCI tools read it.
 * Layers are written as stored (usually gzip); docker load and skopeo decompress them.
 */
import type { Writable } from 'node:stream';
import { digestHex, type Digest } from '../../util/digest';
import { familiarName, familiarString } from '../reference';
import type { ContentStore } from '../types';
import { blobPath, planExport, writeLayout, writeTar, type ExportPlan } from './layout-writer';
import type { ArchiveImage } from './types';

/** One entry of Docker's manifest.json; paths are relative to the archive root. */
export interface DockerManifestEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

/**
 * Writes `images` to `out` as a Docker archive and ends `out`. Each blob is written once even
 * when images share it, streamed from the store. Throws NotFound before writing anything when
 * a manifest or blob is missing from the store.
 */
export async function exportDockerArchive(store: ContentStore, images: ArchiveImage[], out: Writable): Promise<void> {
  const plan = await planExport(store, images);
  await writeTar(out, async (tarw) => {
    await writeLayout(tarw, store, plan);
    await tarw.file('manifest.json', JSON.stringify(dockerManifest(plan)));
    await tarw.file('repositories', JSON.stringify(repositories(plan)));
  });
}

export function dockerManifest(plan: ExportPlan): DockerManifestEntry[] {
  return plan.images.map((image) => {
    // Docker lists tags only; a name known only by digest cannot be a RepoTag.
    const tags = image.names.filter((r) => r.tag !== undefined && r.digest === undefined).map(familiarString);
    return {
      Config: blobPath(image.config.digest),
      RepoTags: tags.length > 0 ? tags : null,
      Layers: image.layers.map((l) => blobPath(l.digest)),
    };
  });
}

/** The legacy `repositories` file: repository → tag → ID of the top layer (Docker writes the same). */
function repositories(plan: ExportPlan): Record<string, Record<string, string>> {
  const repos: Record<string, Record<string, string>> = {};
  for (const image of plan.images) {
    const top = image.layers[image.layers.length - 1];
    if (!top) continue;
    for (const ref of image.names) {
      if (ref.tag === undefined || ref.digest !== undefined) continue;
      (repos[familiarName(ref)] ??= {})[ref.tag] = digestHex(top.digest as Digest);
    }
  }
  return repos;
}
