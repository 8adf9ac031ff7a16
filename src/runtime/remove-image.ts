/**
 * `rmi`: remove a name, and the image with its last name. By ID, an image with several names
 * needs `force` (Docker's rule). Blobs no image needs any more are collected.
 */
import { ForgeError } from '../errors';
import type { DeleteResponseItem } from '../config/api-types';
import { familiarString, formatReference, parseReference, repositoryName } from '../registry/reference';
import type { ImageRecord } from '../state/types';
import type { RuntimeContext } from './context';
import { findImage, imagesWithSameId } from './find-image';
import { syncIndex } from './sync-index';
import { collectGarbage } from './collect-garbage';

export interface RemoveImageOptions {
  force?: boolean;
  /** Keep blobs even when nothing references them. Default false. */
  noPrune?: boolean;
}

/** Names of the containers created from an image (any state). */
export function containersUsing(rt: RuntimeContext, digest: string): Array<{ name: string; running: boolean }> {
  const states = new Map(rt.containers.allStates().map((s) => [s.id, s.status]));
  return rt.containers
    .list()
    .filter((c) => c.imageDigest === digest)
    .map((c) => ({ name: c.name, running: ['running', 'paused', 'restarting'].includes(states.get(c.id) ?? '') }));
}

export async function removeImage(rt: RuntimeContext, input: string, options: RemoveImageOptions = {}): Promise<DeleteResponseItem[]> {
  const found = findImage(rt, input);
  const out: DeleteResponseItem[] = [];
  const users = containersUsing(rt, found.image.digest);
  const lastName = found.by !== 'name' || rt.images.namesOf(found.image.digest).length <= 1;
  if (users.length > 0 && lastName) {
    const running = users.find((u) => u.running);
    // Like Docker: a running container's image cannot go even with -f; a stopped one's needs -f,
    // and then only the names go (the image stays, dangling, for the container).
    if (running || !options.force) {
      throw new ForgeError('Conflict', `unable to remove image ${input}: container ${(running ?? users[0]!).name} is using it${running ? ' (running)' : ''}`, {
        hint: running ? 'stop and remove the container first' : 'remove the container first, or use --force to remove only the image names',
        details: { containers: users.map((u) => u.name) },
      });
    }
  }
  if (found.by === 'name' && found.ref) {
    const name = formatReference(found.ref);
    rt.images.untag(name);
    out.push({ Untagged: familiarString(found.ref) });
    // Docker drops the repo's digests along with its last tag in that repository.
    const repo = repositoryName(found.ref);
    const remaining = rt.images.namesOf(found.image.digest);
    if (!remaining.some((n) => n.startsWith(`${repo}:`))) rt.images.dropRepoDigests(found.image.digest, repo);
    rt.events.publish('/images/untag', name, { id: found.image.configDigest });
    if (remaining.length === 0) out.push(...deleteRecords(rt, [found.image]));
  } else if (found.by === 'digest' && found.ref) {
    rt.images.dropRepoDigests(found.image.digest, repositoryName(found.ref));
    out.push({ Untagged: familiarString(found.ref) });
    if (found.image.names.length === 0) out.push(...deleteRecords(rt, [found.image]));
  } else {
    const group = imagesWithSameId(rt, found.image);
    const names = group.flatMap((i) => i.names);
    if (names.length > 1 && !options.force) {
      throw new ForgeError('Conflict', `unable to delete ${input} (must be forced) - image is referenced in multiple repositories`, {
        hint: 'remove its names one by one, or use --force',
        details: { names },
      });
    }
    for (const name of names) {
      rt.images.untag(name);
      out.push({ Untagged: familiarString(parseReference(name)) });
    }
    out.push(...deleteRecords(rt, group));
  }
  await syncIndex(rt);
  if (!options.noPrune) await collectGarbage(rt);
  return out;
}

/** Deletes image rows (not blobs) and reports each ID once. */
export function deleteRecords(rt: RuntimeContext, images: ImageRecord[]): DeleteResponseItem[] {
  const out: DeleteResponseItem[] = [];
  const reported = new Set<string>();
  for (const image of images) {
    // An image a container was created from stays (dangling) until that container is gone.
    if (containersUsing(rt, image.digest).length > 0) continue;
    rt.images.delete(image.digest);
    rt.events.publish('/images/delete', image.configDigest, { digest: image.digest });
    if (!reported.has(image.configDigest)) {
      reported.add(image.configDigest);
      out.push({ Deleted: image.configDigest });
    }
  }
  return out;
}
