/**
 * Finds the image a user means: a name (`busybox`, `host/repo:tag`), a `repo@digest`, or an ID
 * or ID prefix, tried in that order, as Docker does.
 */
import { ForgeError } from '../errors';
import { formatReference, parseReference, repositoryName, type ImageReference } from '../registry/reference';
import type { ImageRecord } from '../state/types';
import type { RuntimeContext } from './context';

const ID_PREFIX = /^(?:sha256:)?([a-f0-9]{4,64})$/;

export interface FoundImage {
  image: ImageRecord;
  /** The parsed name when the user gave one (not an ID). */
  ref: ImageReference | undefined;
  /** How it was found. */
  by: 'name' | 'digest' | 'id';
}

export function findImage(rt: RuntimeContext, input: string): FoundImage {
  const found = tryFindImage(rt, input);
  if (!found) {
    throw new ForgeError('NotFound', `No such image: ${input}`, { hint: `pull it first: forgeone pull ${input}`, details: { image: input } });
  }
  return found;
}

export function tryFindImage(rt: RuntimeContext, input: string): FoundImage | undefined {
  let ref: ImageReference | undefined;
  try {
    ref = parseReference(input);
  } catch (err) {
    if (!ID_PREFIX.test(input)) throw err;
  }
  if (ref) {
    const image = ref.digest
      ? rt.images.byRepoDigest(repositoryName(ref), ref.digest)
      : rt.images.byName(formatReference(ref));
    if (image) return { image, ref, by: ref.digest ? 'digest' : 'name' };
  }
  const id = ID_PREFIX.exec(input);
  if (id && !input.includes(':latest')) {
    const hex = id[1]!;
    const matches = rt.images.byIdPrefix(hex);
    const ids = new Set(matches.map((m) => (m.configDigest.startsWith(`sha256:${hex}`) ? m.configDigest : m.digest)));
    if (ids.size > 1) {
      throw new ForgeError('InvalidArgument', `image ID prefix "${input}" is ambiguous: it matches ${ids.size} images`, {
        hint: 'give more characters of the ID',
      });
    }
    if (matches.length > 0) return { image: matches[0]!, ref: undefined, by: 'id' };
  }
  return undefined;
}

/** All image rows sharing the found image's ID (one config can have several manifests). */
export function imagesWithSameId(rt: RuntimeContext, image: ImageRecord): ImageRecord[] {
  return rt.images.byIdPrefix(image.configDigest.slice('sha256:'.length)).filter((i) => i.configDigest === image.configDigest);
}
