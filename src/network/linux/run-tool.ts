/**
 * Runs one host tool for network/'s Linux adapters (unshare, umount, iptables, ip): arguments
 * as an array, never a shell line; C locale so messages can be matched; stderr kept for errors.
 */
import { spawn } from 'node:child_process';
import { ForgeError } from '../../errors';

export class ToolFailed extends Error {
  constructor(
    readonly tool: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${tool} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim() || 'no message'}`);
    this.name = 'ToolFailed';
  }
}

export function runTool(file: string, args: readonly string[], packageName = file): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(new ForgeError('FailedPrecondition', `${file} is not installed`, { cause: e, hint: `apt-get install ${packageName}` }));
      else reject(e);
    });
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new ToolFailed(file, code, Buffer.concat(err).toString('utf8')))));
  });
}
