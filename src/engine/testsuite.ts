/**
 * The conformance suite every Engine passes (STYLE.md 2; containerd's snapshotter testsuite):
 * `runEngineSuite('native', factory)`. Each case gets a fresh temp dir and harness, and ends by
 * deleting its tasks and asserting the host holds nothing of them (processes, mounts). Tasks are
 * described by behaviour, so each engine maps them to programs it can run. Cases an engine cannot
 * do (its `capabilities`) are reported as skipped with the reason, never silently passed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ioCases } from './testsuite-io';
import { lifecycleCases } from './testsuite-lifecycle';
import type { EngineFactory, EngineHarness, MakeTaskOptions, SuiteContext } from './testsuite-types';
import type { EngineCapabilities } from './types';

export type { EngineFactory, EngineHarness, MakeTaskOptions, TaskBehaviour } from './testsuite-types';

export interface EngineSuiteOptions {
  /** Per case. Default 60 s. */
  timeoutMs?: number;
  /** Why the whole suite cannot run on this host (e.g. "needs root"), or false. */
  skip?: string | false;
}

export function runEngineSuite(name: string, factory: EngineFactory, options: EngineSuiteOptions = {}): void {
  const timeout = options.timeoutMs ?? 60_000;
  const gated: SuiteContext['gated'] = (cap, title, body) =>
    void it(title, { timeout }, async (t) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'forgeone-engine-'));
      const h = await factory(dir);
      const created = new Set<string>();
      const makeTask = h.makeTask.bind(h);
      h.makeTask = async (o) => {
        const task = await makeTask(o);
        created.add(task.id);
        return task;
      };
      try {
        const negated = cap?.startsWith('!') ?? false;
        const key = (negated ? cap!.slice(1) : cap) as keyof EngineCapabilities | undefined;
        if (key && h.engine.capabilities[key] === negated) return t.skip(`not applicable: ${name} has capabilities.${key} = ${negated}`);
        await body(h, t);
      } finally {
        for (const id of created) await h.engine.delete(id).catch(() => undefined);
        const left = (await Promise.all([...created].map((id) => h.leftovers(id)))).flat();
        await h.cleanup();
        await rm(dir, { recursive: true, force: true, maxRetries: 3 });
        assert.deepEqual(left, [], 'nothing of the test tasks is left on the host');
      }
    });
  const run: SuiteContext['run'] = async (h: EngineHarness, o: MakeTaskOptions) => {
    const task = await h.makeTask(o);
    await h.engine.create(task);
    await h.engine.start(task.id);
    return task;
  };
  const ctx: SuiteContext = { gated, run };

  describe(`engine conformance: ${name}`, { skip: options.skip ?? false }, () => {
    lifecycleCases(ctx);
    ioCases(ctx);
  });
}
