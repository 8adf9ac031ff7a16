/**
 * Which module registers each top-level command, so `forgeone run …` loads and registers the run
 * command alone. Registering every command with commander and loading every command module was
 * about half of the CLI's own start-up (bench/README.md has the profile). A word that is not
 * listed here (no command, `help`, a typo, a command added without an entry) registers every
 * command as before: a missing entry costs start-up time, never correctness. The unit test
 * command-index.test.ts checks each entry defines the same command as the full program.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading is the point of this file */
import { Command } from 'commander';
import type { CliContext } from './context';

type Register = (program: Command, ctx: CliContext) => void;

const images = (): Register => (require('./commands/images') as typeof import('./commands/images')).registerImageCommands;
const registry = (): Register => (require('./commands/registry') as typeof import('./commands/registry')).registerRegistryCommands;
const archive = (): Register => (require('./commands/archive') as typeof import('./commands/archive')).registerArchiveCommands;
const system = (): Register => (require('./commands/system') as typeof import('./commands/system')).registerSystemCommands;
const daemon = (): Register => (require('./commands/daemon') as typeof import('./commands/daemon')).registerDaemonCommand;
const containers = (): Register => (require('./commands/containers/register') as typeof import('./commands/containers/register')).registerContainerCommands;
const wasm = (): Register => (require('./commands/wasm') as typeof import('./commands/wasm')).registerWasmCommands;
const stats = (): Register => (require('./commands/stats') as typeof import('./commands/stats')).registerStats;
const networks = (): Register => (require('./commands/networks') as typeof import('./commands/networks')).registerNetworkCommands;

/** Every command group, in the order `--help` lists them. */
const ALL = [images, registry, archive, system, daemon, containers, wasm, stats, networks];

/** The container verbs one by one (the `container` group itself registers them all). */
const containerVerb = (file: string, name: string): (() => Register) => () => (require(`./commands/containers/${file}`) as Record<string, Register>)[name]!;
/** ps, rm and inspect register under `container` too: given a detached one here, that part is dropped. */
const containerPair = (file: string, name: string): (() => Register) => () => (program, ctx) =>
  (require(`./commands/containers/${file}`) as Record<string, (p: Command, c: Command, ctx: CliContext) => void>)[name]!(program, new Command('container'), ctx);

const lifecycle = containerVerb('lifecycle', 'registerLifecycle');
/** `image push`, `image save` and `image load` are added to `image` by their own modules. */
const imageGroup = (): Register => (program, ctx) => [images, registry, archive].forEach((group) => group()(program, ctx));

export const COMMAND_INDEX: Readonly<Record<string, () => Register>> = {
  run: containerVerb('run', 'registerRun'),
  create: containerVerb('create', 'registerCreate'),
  ...Object.fromEntries(['start', 'attach', 'stop', 'restart', 'kill', 'pause', 'unpause', 'rename', 'wait'].map((verb) => [verb, lifecycle])),
  exec: containerVerb('exec', 'registerExec'),
  logs: containerVerb('logs', 'registerLogs'),
  top: containerVerb('top', 'registerTop'),
  port: containerVerb('port', 'registerPort'),
  cp: containerVerb('cp', 'registerCp'),
  ps: containerPair('ps', 'registerPs'),
  rm: containerPair('remove', 'registerRemove'),
  inspect: containerPair('inspect', 'registerInspect'),
  volume: containerVerb('volumes', 'registerVolumeCommands'),
  container: containers,
  image: imageGroup,
  ...Object.fromEntries(['pull', 'images', 'tag', 'rmi'].map((c) => [c, images])),
  ...Object.fromEntries(['push', 'login', 'logout'].map((c) => [c, registry])),
  ...Object.fromEntries(['save', 'load'].map((c) => [c, archive])),
  ...Object.fromEntries(['version', 'system', 'info', 'events'].map((c) => [c, system])),
  daemon,
  wasm,
  stats,
  network: networks,
};

/** Global options that take a value (main.ts): their value is not the command word. */
const GLOBAL_WITH_VALUE = new Set(['-H', '--host', '--root', '--runroot', '--config']);

/** The command word of `argv` (after the global options), or undefined when there is none. */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return argv[i + 1];
    if (GLOBAL_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/** Registers what `argv` needs: its command's group alone when indexed, else every command. */
export function registerCommands(program: Command, ctx: CliContext, argv?: readonly string[]): void {
  const word = argv ? commandWord(argv) : undefined;
  const only = word !== undefined && Object.hasOwn(COMMAND_INDEX, word) ? COMMAND_INDEX[word] : undefined;
  if (only) return only()(program, ctx);
  for (const group of ALL) group()(program, ctx);
}
