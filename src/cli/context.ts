/** What each CLI command gets: settings, a connected API client (lazily), and its streams. */
import type { Command } from 'commander';
import type { ApiClient } from '../api/client';
import { connect } from './autostart';
import type { ExitPolicy } from './exit-codes';
import { resolveSettings, type CliSettings, type GlobalOptions } from './settings';

export interface CliDeps {
  /** Runs the daemon in this process (src/main.ts), injected by the entry point. */
  runDaemon: (options: { root: string; runroot: string; config: string | undefined; logLevel: string | undefined }) => Promise<void>;
  /** The script that starts the CLI, used to autostart a daemon. */
  entryScript: string;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export class CliContext {
  private connected: Promise<ApiClient> | undefined;
  /** How a failure becomes the exit code; `run`, `start -a` and `exec` set `process`. */
  exitPolicy: ExitPolicy = 'default';

  constructor(
    readonly program: Command,
    readonly deps: CliDeps,
  ) {}

  get out(): NodeJS.WriteStream {
    return this.deps.stdout;
  }

  get err(): NodeJS.WriteStream {
    return this.deps.stderr;
  }

  settings(): CliSettings {
    return resolveSettings(this.program.opts<GlobalOptions>());
  }

  client(): Promise<ApiClient> {
    this.connected ??= connect(this.settings(), this.deps.entryScript);
    return this.connected;
  }
}
