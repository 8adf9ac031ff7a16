/** Deletes a network's bridge device when the network is removed (CNI DEL leaves bridges). */
import { runTool, ToolFailed } from './run-tool';

export async function deleteLink(name: string): Promise<void> {
  await runTool('ip', ['link', 'del', name], 'iproute2').catch((err: unknown) => {
    // Already gone (never used, or removed by hand): nothing to do.
    if (err instanceof ToolFailed && /Cannot find device|does not exist/i.test(err.stderr)) return;
    throw err;
  });
}
