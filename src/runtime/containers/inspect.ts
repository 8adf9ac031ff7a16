/** `inspect`: everything about one container, in Docker's shape. */
import type { ContainerInspect } from '../../config/api-types';
import type { RuntimeContext } from '../context';
import { findContainer } from './find-container';
import { containerInspect } from './views';

export function inspectContainer(rt: RuntimeContext, input: string): ContainerInspect {
  return containerInspect(rt, findContainer(rt, input));
}
