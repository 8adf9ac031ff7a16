/**
 * Executes one CNI plugin binary the way the CNI spec says: the command and target in
 * CNI_* environment variables, the network config as JSON on stdin, a result or an error
 * object as JSON on stdout. A plugin's error becomes a ForgeError with its code and message.
 */
import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import { ForgeError } from '../../errors';
import type { CniTarget } from '../types';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK';

export interface PluginCall {
  command: CniCommand;
  type: string;
  target: CniTarget;
  /** The plugin's own config (with name, cniVersion, prevResult, runtimeConfig). */
  config: Record<string, unknown>;
  /** Directories searched for plugins, also passed as CNI_PATH. */
  pluginDirs: readonly string[];
}

const found = new Map<string, string>();
/** Longest a plugin may run; the bundled ones take well under a second. */
export const PLUGIN_TIMEOUT_MS = 60_000;

async function findPlugin(type: string, dirs: readonly string[]): Promise<string> {
  if (!/^[a-z0-9_-]+$/i.test(type)) throw new ForgeError('InvalidArgument', `invalid CNI plugin type "${type}"`);
  const key = `${dirs.join(':')}|${type}`;
  const cached = found.get(key);
  if (cached) return cached;
  for (const dir of dirs) {
    const file = path.join(dir, type);
    try {
      await access(file);
      found.set(key, file);
      return file;
    } catch {
      // next dir
    }
  }
  throw new ForgeError('FailedPrecondition', `the CNI plugin "${type}" was not found in ${dirs.join(', ')}`, {
    hint: 'install the CNI plugins: apt-get install containernetworking-plugins (or set cni-plugin-dirs in the daemon config)',
  });
}

export async function execPlugin(call: PluginCall): Promise<unknown> {
  const file = await findPlugin(call.type, call.pluginDirs);
  const env = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    CNI_COMMAND: call.command,
    CNI_CONTAINERID: call.target.containerId,
    CNI_NETNS: call.target.netns,
    CNI_IFNAME: call.target.ifname,
    CNI_PATH: call.pluginDirs.join(':'),
  };
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(file, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    // A hung plugin must not hold a container's lock forever (DEL runs under it).
    const timer = setTimeout(() => child.kill('SIGKILL'), PLUGIN_TIMEOUT_MS);
    child.on('close', () => clearTimeout(timer));
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(call.config));
  });
  let parsed: unknown;
  try {
    parsed = stdout.trim() ? JSON.parse(stdout) : undefined;
  } catch {
    parsed = undefined;
  }
  if (code !== 0) {
    const e = (parsed ?? {}) as { code?: number; msg?: string; details?: string };
    const message = [e.msg, e.details].filter(Boolean).join(': ') || stderr.trim() || stdout.trim() || `exit ${code}`;
    throw new ForgeError('Internal', `CNI plugin ${call.type} ${call.command} failed: ${message}`, {
      details: { plugin: call.type, command: call.command, cniCode: e.code ?? -1 },
    });
  }
  return parsed;
}
