/** Deletes a network's bridge device when the network is removed (CNI DEL leaves bridges). */
import { CommandFailed, runCommand } from '../../util/run-command';

export async function deleteLink(name: string): Promise<void> {
  await runCommand('ip', ['link', 'del', name], { packageName: 'iproute2' }).catch((err: unknown) => {
    // Already gone (never used, or removed by hand): nothing to do.
    if (err instanceof CommandFailed && /Cannot find device|does not exist/i.test(err.stderr)) return;
    throw err;
  });
}
