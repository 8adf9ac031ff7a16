/**
 * The WASM engine passes the engine conformance suite, with real host processes. Behaviours map
 * to WAT fixtures (test/fixtures/wasm.ts); cases that need exec, a TTY or stdin are reported as
 * not applicable by the suite, from the engine's capabilities.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { WasmEngine } from '../../src/engine/wasm';
import { runEngineSuite, type EngineHarness, type TaskBehaviour } from '../../src/engine/testsuite';
import type { RuntimeSpec } from '../../src/config/runtime-spec';
import type { TaskSpec } from '../../src/engine/types';
import { silentLogger } from '../../src/util/logger';
import { fixtures } from '../fixtures/wasm';

export async function moduleFor(b: TaskBehaviour): Promise<Buffer | undefined> {
  switch (b.kind) {
    case 'exit':
      return fixtures.exit(b.code);
    case 'output':
      return fixtures.output(b.stdout, b.stderr);
    case 'sleep':
      return fixtures.sleep();
    case 'cat':
      return fixtures.hello();
    case 'missing-command':
      return undefined;
  }
}

export function wasmSpec(root: string, args: string[], extra: Partial<RuntimeSpec> = {}): RuntimeSpec {
  return {
    ociVersion: '1.0.2',
    process: { user: { uid: 0, gid: 0 }, args, env: ['PATH=/'], cwd: '/' },
    root: { path: root, readonly: true },
    mounts: [],
    ...extra,
  };
}

/** Monitors (and through them, hosts) of `dir` that still serve task `id` (zombies excluded). */
export function wasmLeftovers(dir: string, id: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd: string[];
    let state: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch {
      continue;
    }
    const i = cmd.indexOf('forgeone-wasm-monitor');
    if (i < 0 || state === 'Z' || !cmd[i + 1]?.startsWith(dir)) continue;
    const served = cmd[i + 1]!.includes('/.pool/') ? readTaskDir(cmd[i + 1]!) : cmd[i + 1]!;
    if (served.includes(id)) out.push(`process ${pid}: ${cmd.join(' ')}`);
  }
  return out;
}

function readTaskDir(poolDir: string): string {
  try {
    return readFileSync(path.join(poolDir, 'task-dir'), 'utf8');
  } catch {
    return '';
  }
}

export async function wasmHarness(dir: string, poolSize: number): Promise<EngineHarness> {
  const options = { stateDir: path.join(dir, 'run', 'wasm'), logger: silentLogger, poolSize };
  const engines: WasmEngine[] = [new WasmEngine(options)];
  return {
    engine: engines[0]!,
    reopen: () => {
      const e = new WasmEngine(options);
      engines.push(e);
      return e;
    },
    async makeTask(o): Promise<TaskSpec> {
      const id = randomBytes(32).toString('hex');
      const root = path.join(dir, 'modules', id.slice(0, 12));
      await fs.mkdir(root, { recursive: true });
      const bytes = await moduleFor(o.behaviour);
      if (bytes) await fs.writeFile(path.join(root, 'module.wasm'), bytes);
      return {
        id,
        spec: wasmSpec(root, ['/module.wasm']),
        logPath: path.join(dir, 'logs', id, 'ctr.log'),
        logMaxSize: 1024 * 1024,
        stdin: o.stdin ?? false,
        stdinOnce: o.stdinOnce ?? false,
        tty: o.tty ?? false,
      };
    },
    makeExec: (task, _b, o = {}) => ({ execId: randomBytes(8).toString('hex'), args: [], env: [], cwd: '/', user: { uid: 0, gid: 0 }, tty: o.tty ?? false, stdin: o.stdin ?? false, spec: task.spec }),
    leftovers: async (id) => wasmLeftovers(dir, id),
    async cleanup() {
      for (const e of engines) await e.close();
    },
  };
}

runEngineSuite('wasm (host process per instance, warm pool)', (dir) => wasmHarness(dir, 4));
