/**
 * One lock per container: verbs on the same container run one at a time (load → lock → refresh
 * → check → act → persist → emit), verbs on different containers run in parallel.
 */
import { Limiter } from '../../util/concurrency';

export class ContainerLocks {
  private readonly locks = new Map<string, { limiter: Limiter; users: number }>();

  async with<T>(id: string, task: () => Promise<T>): Promise<T> {
    let entry = this.locks.get(id);
    if (!entry) {
      entry = { limiter: new Limiter(1), users: 0 };
      this.locks.set(id, entry);
    }
    entry.users++;
    try {
      return await entry.limiter.run(task);
    } finally {
      entry.users--;
      if (entry.users === 0) this.locks.delete(id);
    }
  }
}
