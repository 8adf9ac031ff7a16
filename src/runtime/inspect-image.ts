/** `image inspect`: the full description of one image. */
import type { ImageInspect } from '../config/api-types';
import type { RuntimeContext } from './context';
import { findImage } from './find-image';
import { imageInspect } from './image-views';

export function inspectImage(rt: RuntimeContext, input: string): Promise<ImageInspect> {
  return imageInspect(rt, findImage(rt, input).image);
}
