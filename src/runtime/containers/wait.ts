/**
 * `wait`: block until a container stops, as Docker's conditions say: `not-running` (default;
 * returns at once for a stopped container), `next-exit`, or `removed`.
 */
import { ForgeError } from '../../errors';
import { hasLiveTask } from '../../lifecycle/container-states';
import type { WaitResult } from '../../config/api-types';
import type { RuntimeContext } from '../context';
import { findContainer, tryFindContainer } from './find-container';

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export async function waitContainer(rt: RuntimeContext, input: string, condition: WaitCondition = 'not-running', signal?: AbortSignal): Promise<WaitResult> {
  if (!['not-running', 'next-exit', 'removed'].includes(condition)) {
    throw new ForgeError('InvalidArgument', `invalid wait condition "${condition}": use not-running, next-exit or removed`);
  }
  const c = findContainer(rt, input);
  const id = c.record.id;
  if (condition === 'removed') {
    const removed = rt.events.waitFor('/containers/destroy', id, signal);
    let exitCode = c.state.exitCode ?? 0;
    const exit = rt.monitor.nextExit(id, signal).then((e) => (exitCode = e.exitCode)).catch(() => undefined);
    if (!tryFindContainer(rt, id)) return { StatusCode: exitCode };
    await removed;
    await Promise.race([exit, Promise.resolve()]);
    return { StatusCode: exitCode };
  }
  const live = hasLiveTask(c.state.status);
  if (condition === 'not-running' && !live) return { StatusCode: c.state.exitCode ?? 0 };
  const next = rt.monitor.nextExit(id, signal);
  if (c.state.status === 'running' || c.state.status === 'paused') rt.monitor.watch(id, c.record.engine);
  const exit = await next;
  return { StatusCode: exit.exitCode };
}
