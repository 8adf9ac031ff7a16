/** `restart`: stop (with the timeout) when running, then start. */
import type { RuntimeContext } from '../context';
import { findContainer } from './find-container';
import { stop } from './stop';
import { start } from './start';

export async function restart(rt: RuntimeContext, input: string, options: { timeoutSeconds?: number; signal?: string } = {}): Promise<void> {
  const { record } = findContainer(rt, input);
  await stop(rt, record.id, options);
  await start(rt, record.id);
  rt.events.publish('/containers/restart', record.id, { name: record.name });
}
