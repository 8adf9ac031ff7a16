/**
 * Network namespaces as bind-mounted nsfs files in `<runroot>/netns/<container id>`: a
 * short-lived `unshare --net=FILE true` creates the namespace and pins it with the bind mount,
 * so it lives without any process in it — from the container's first start (its path is in the
 * OCI spec from create) until rm (CNI DEL needs it after the task exits). Removed by unmounting
 * and deleting the file.
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../errors';
import type { NetnsManager } from '../types';
import { CommandFailed, runCommand } from '../../util/run-command';

export class BindMountNetns implements NetnsManager {
  constructor(private readonly dir: string) {}

  pathOf(containerId: string): string {
    if (!/^[a-f0-9]{64}$/.test(containerId)) throw new ForgeError('InvalidArgument', `invalid container id "${containerId}"`);
    return path.join(this.dir, containerId);
  }

  async ensure(containerId: string): Promise<string> {
    const file = this.pathOf(containerId);
    if (isNsMount(file)) return file;
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await fs.writeFile(file, '', { mode: 0o400 });
    try {
      await runCommand('unshare', [`--net=${file}`, 'true'], { packageName: 'util-linux' });
    } catch (err) {
      await fs.rm(file, { force: true });
      throw new ForgeError('Internal', `cannot create a network namespace at ${file}: ${(err as Error).message}`, { cause: err });
    }
    return file;
  }

  async remove(containerId: string): Promise<void> {
    if (!/^[a-f0-9]{64}$/.test(containerId)) return; // never a sandbox of ours
    const file = this.pathOf(containerId);
    if (isNsMount(file)) {
      await runCommand('umount', [file], { packageName: 'mount' }).catch(async (err: unknown) => {
        // Busy (something still holds a reference): detach it; the namespace dies with its last user.
        if (err instanceof CommandFailed) await runCommand('umount', ['-l', file], { packageName: 'mount' });
        else throw err;
      });
    }
    await fs.rm(file, { force: true });
  }

  async adopt(fromId: string, toId: string): Promise<void> {
    const from = this.pathOf(fromId);
    const to = this.pathOf(toId);
    if (isNsMount(to)) await runCommand('umount', [to], { packageName: 'mount' });
    await fs.writeFile(to, '', { mode: 0o400 });
    await runCommand('mount', ['--bind', from, to], { packageName: 'mount' });
  }

  async list(): Promise<string[]> {
    try {
      return (await fs.readdir(this.dir)).filter((n) => /^[a-f0-9]{64}$/.test(n));
    } catch {
      return [];
    }
  }
}

/** Whether `file` is a mount point of an nsfs (read from mountinfo: no process needed). */
function isNsMount(file: string): boolean {
  const escaped = file.replace(/ /g, '\\040');
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => {
      const fields = line.split(' ');
      return fields[4] === escaped && line.includes(' - nsfs ');
    });
}
