/**
 * Where the CLI finds its daemon: the socket from -H/FORGEONE_HOST, else <runroot>/forgeone.sock;
 * --root/--runroot/--config are also what an autostarted daemon is given.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_ROOT, DEFAULT_RUNROOT } from '../config/defaults';

export interface GlobalOptions {
  host?: string;
  root?: string;
  runroot?: string;
  config?: string;
  debug?: boolean;
}

export interface CliSettings {
  socket: string;
  root: string;
  runroot: string;
  config: string | undefined;
  /** Start a daemon when none answers. FORGEONE_NO_AUTOSTART=1 turns it off. */
  autostart: boolean;
  /** Where login stores credentials (Docker's config.json format). */
  credentialsFile: string;
  /** Docker's own config.json, read when ours has no entry for a registry. */
  dockerCredentialsFile: string;
  debug: boolean;
}

export function resolveSettings(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): CliSettings {
  const root = path.resolve(opts.root ?? env.FORGEONE_ROOT ?? DEFAULT_ROOT);
  const runroot = path.resolve(opts.runroot ?? env.FORGEONE_RUNROOT ?? DEFAULT_RUNROOT);
  const host = opts.host ?? env.FORGEONE_HOST;
  const socket = host ? host.replace(/^unix:\/\//, '') : path.join(runroot, 'forgeone.sock');
  const configDir = env.FORGEONE_CONFIG_DIR ?? path.join(os.homedir(), '.forgeone');
  return {
    socket,
    root,
    runroot,
    config: opts.config ?? env.FORGEONE_CONFIG,
    autostart: env.FORGEONE_NO_AUTOSTART !== '1' && !host,
    credentialsFile: path.join(configDir, 'config.json'),
    dockerCredentialsFile: path.join(env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'), 'config.json'),
    debug: opts.debug ?? env.FORGEONE_DEBUG === '1',
  };
}
