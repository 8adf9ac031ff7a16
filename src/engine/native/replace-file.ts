/**
 * Writes a file whole or not at all (temp file + rename), without fsync: the bundle's config.json
 * and task.json only matter while the host is up (a reboot ends every task, and the runtime
 * rewrites them from its database), so paying two fsyncs on the create path buys nothing.
 */
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';

export async function replaceFile(file: string, data: string, mode = 0o600): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(tmp, data, { mode });
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
