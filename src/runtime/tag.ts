/** `tag`: give an image another name. The name moves if it pointed at another image. */
import { formatReference, parseTaggedReference } from '../registry/reference';
import type { RuntimeContext } from './context';
import { findImage } from './find-image';
import { syncIndex } from './sync-index';

export async function tag(rt: RuntimeContext, source: string, target: string): Promise<{ name: string; id: string }> {
  const targetRef = parseTaggedReference(target);
  const { image } = findImage(rt, source);
  const name = formatReference(targetRef);
  rt.images.save({ ...image }, [name], []);
  await syncIndex(rt);
  rt.events.publish('/images/tag', name, { id: image.configDigest, digest: image.digest });
  return { name, id: image.configDigest };
}
