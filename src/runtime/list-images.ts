/** `images`: every image, newest first, optionally only those of one repository or name. */
import type { ImageSummary } from '../config/api-types';
import { parseReference, repositoryName } from '../registry/reference';
import type { RuntimeContext } from './context';
import { imageSummary } from './image-views';

export interface ListImagesOptions {
  /** `busybox` or `busybox:1.36`: only matching names (a bare name matches every tag). */
  reference?: string;
  /** Only images with no name. */
  dangling?: boolean;
}

export function listImages(rt: RuntimeContext, options: ListImagesOptions = {}): ImageSummary[] {
  let images = rt.images.list();
  if (options.reference) {
    const hasTag = /:[^/]+$/.test(options.reference);
    const ref = parseReference(options.reference);
    const repo = repositoryName(ref);
    images = images
      .map((i) => ({ ...i, names: i.names.filter((n) => (hasTag ? n === `${repo}:${ref.tag}` : n.startsWith(`${repo}:`))) }))
      .filter((i) => i.names.length > 0);
  }
  if (options.dangling !== undefined) images = images.filter((i) => (i.names.length === 0) === options.dangling);
  const used = rt.containers.countByImage();
  return images.map((i) => ({ ...imageSummary(i), Containers: used.get(i.digest) ?? 0 }));
}
