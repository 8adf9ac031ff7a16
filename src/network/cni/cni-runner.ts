/**
 * Runs a conflist's plugins like libcni: ADD in order, each plugin given the previous one's
 * result as `prevResult`; DEL in reverse order, each given the saved final result. DEL goes on
 * past a failing plugin (and reports the first failure after all ran), so one broken plugin
 * never strands the others' rules.
 */
import type { CniConflist, CniResult, CniRunner, CniTarget } from '../types';
import { execPlugin } from './plugin-exec';

export class PluginCniRunner implements CniRunner {
  constructor(private readonly pluginDirs: readonly string[]) {}

  async add(conflist: CniConflist, target: CniTarget): Promise<CniResult> {
    let prev: CniResult | undefined;
    for (const plugin of conflist.plugins) {
      try {
        const result = await execPlugin({ command: 'ADD', type: plugin.type, target, config: pluginConfig(conflist, plugin, prev), pluginDirs: this.pluginDirs });
        if (result) prev = result as CniResult;
      } catch (err) {
        // Undo what was done, as libcni leaves it to the caller: DEL the whole chain.
        await this.del(conflist, target, prev).catch(() => undefined);
        throw err;
      }
    }
    return prev ?? { cniVersion: conflist.cniVersion };
  }

  async del(conflist: CniConflist, target: CniTarget, prevResult?: CniResult): Promise<void> {
    let first: unknown;
    for (const plugin of [...conflist.plugins].reverse()) {
      try {
        await execPlugin({ command: 'DEL', type: plugin.type, target, config: pluginConfig(conflist, plugin, prevResult), pluginDirs: this.pluginDirs });
      } catch (err) {
        first ??= err;
      }
    }
    if (first) throw first;
  }
}

function pluginConfig(conflist: CniConflist, plugin: CniConflist['plugins'][number], prev: CniResult | undefined): Record<string, unknown> {
  return { ...plugin, cniVersion: conflist.cniVersion, name: conflist.name, ...(prev ? { prevResult: prev } : {}) };
}
