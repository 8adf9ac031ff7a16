/**
 * `attach`: connect streams to a container's stdio. A running container is attached at once; a
 * created one (docker run attaches before it starts) is attached by `start`, after the engine
 * created the task and before its process runs, so no output is lost.
 */
import { ForgeError } from '../../errors';
import { transition } from '../../lifecycle/container-states';
import type { AttachSession, AttachStreams, Engine } from '../../engine/types';
import type { RuntimeContext } from '../context';
import { findContainer } from './find-container';

interface Pending {
  streams: AttachStreams;
  resolve: (session: AttachSession) => void;
  reject: (err: unknown) => void;
}

/** Attachments waiting for their container to start. */
export class PendingAttachments {
  private readonly pending = new Map<string, Pending[]>();

  add(id: string, streams: AttachStreams): Promise<AttachSession> {
    return new Promise((resolve, reject) => {
      const list = this.pending.get(id) ?? [];
      list.push({ streams, resolve, reject });
      this.pending.set(id, list);
    });
  }

  /** Called by start once the task exists: connects every waiting attachment. */
  async connect(id: string, engine: Engine): Promise<void> {
    const list = this.pending.get(id) ?? [];
    this.pending.delete(id);
    for (const p of list) {
      await engine.attach(id, p.streams).then(p.resolve, p.reject);
    }
  }

  /** Called when the container goes away without starting. */
  fail(id: string, err: unknown): void {
    for (const p of this.pending.get(id) ?? []) p.reject(err);
    this.pending.delete(id);
  }
}

export async function attach(rt: RuntimeContext, input: string, streams: AttachStreams): Promise<{ session: AttachSession; tty: boolean }> {
  const c = findContainer(rt, input);
  transition(c.state.status, 'attach', c.record.name);
  if (c.state.status === 'created' || c.state.status === 'exited') {
    return { session: await rt.pendingAttachments.add(c.record.id, streams), tty: c.config.tty };
  }
  if (c.state.status !== 'running') throw new ForgeError('Conflict', `cannot attach to container ${c.record.name}: it is ${c.state.status}`);
  const session = await rt.engine(c.record.engine as never).attach(c.record.id, streams);
  return { session, tty: c.config.tty };
}

export async function resize(rt: RuntimeContext, input: string, rows: number, cols: number): Promise<void> {
  const c = findContainer(rt, input);
  if (!c.config.tty) return;
  if (c.state.status !== 'running') throw new ForgeError('Conflict', `cannot resize container ${c.record.name}: it is ${c.state.status}`);
  await rt.engine(c.record.engine as never).resize(c.record.id, { rows, cols });
}
