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

/**
 * The container verbs one by one (the `container` group itself registers them all). Each
 * `require` names its file literally so that the CLI bundle (scripts/bundle-cli.mjs) finds it.
 */
type Load = () => unknown;
const containerVerb = (load: Load, name: string): (() => Register) => () => (load() as Record<string, Register>)[name]!;
/** ps, rm and inspect register under `container` too: given a detached one here, that part is dropped. */
const containerPair = (load: Load, name: string): (() => Register) => () => (program, ctx) =>
  (load() as Record<string, (p: Command, c: Command, ctx: CliContext) => void>)[name]!(program, new Command('container'), ctx);

const lifecycle = containerVerb(() => require('./commands/containers/lifecycle'), 'registerLifecycle');
/** `image push`, `image save` and `image load` are added to `image` by their own modules. */
const imageGroup = (): Register => (program, ctx) => [images, registry, archive].forEach((group) => group()(program, ctx));

export const COMMAND_INDEX: Readonly<Record<string, () => Register>> = {
  run: containerVerb(() => require('./commands/containers/run'), 'registerRun'),
  create: containerVerb(() => require('./commands/containers/create'), 'registerCreate'),
  ...Object.fromEntries(['start', 'attach', 'stop', 'restart', 'kill', 'pause', 'unpause', 'rename', 'wait'].map((verb) => [verb, lifecycle])),
  exec: containerVerb(() => require('./commands/containers/exec'), 'registerExec'),
  logs: containerVerb(() => require('./commands/containers/logs'), 'registerLogs'),
  top: containerVerb(() => require('./commands/containers/top'), 'registerTop'),
  port: containerVerb(() => require('./commands/containers/port'), 'registerPort'),
  cp: containerVerb(() => require('./commands/containers/cp'), 'registerCp'),
  ps: containerPair(() => require('./commands/containers/ps'), 'registerPs'),
  rm: containerPair(() => require('./commands/containers/remove'), 'registerRemove'),
  inspect: containerPair(() => require('./commands/containers/inspect'), 'registerInspect'),
  volume: containerVerb(() => require('./commands/containers/volumes'), 'registerVolumeCommands'),
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
