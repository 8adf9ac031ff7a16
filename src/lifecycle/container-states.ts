/**
 * The container state machine: its states, its verbs, and the one table of which verb is legal
 * in which state (youki's state.rs; STYLE.md 5). Pure: no I/O. Runtime verbs call
 * `assertTransition` before acting and `nextState` to know what to persist; none of them switches
 * on state itself.
 */
import { ForgeError } from '../errors';

export const CONTAINER_STATES = ['created', 'running', 'paused', 'restarting', 'exited', 'removing', 'dead'] as const;
export type ContainerState = (typeof CONTAINER_STATES)[number];

export const CONTAINER_VERBS = [
  'start',
  'stop',
  'kill',
  'pause',
  'unpause',
  'restart',
  'remove',
  'forceRemove',
  'exec',
  'attach',
  'rename',
  'exit',
  'scheduleRestart',
  'fail',
] as const;
export type ContainerVerb = (typeof CONTAINER_VERBS)[number];

type Rule = { to: ContainerState | 'same' } | { noop: true; why: string };

/**
 * The table. A missing entry is illegal. `same` keeps the state (the verb acts without changing
 * it, e.g. exec). `noop` is legal but does nothing (stop of an exited container, as Docker).
 */
const TABLE: Record<ContainerState, Partial<Record<ContainerVerb, Rule>>> = {
  created: {
    start: { to: 'running' },
    stop: { noop: true, why: 'is not running' },
    restart: { to: 'running' },
    remove: { to: 'removing' },
    forceRemove: { to: 'removing' },
    attach: { to: 'same' },
    rename: { to: 'same' },
    fail: { to: 'exited' },
  },
  running: {
    stop: { to: 'exited' },
    kill: { to: 'same' },
    pause: { to: 'paused' },
    restart: { to: 'running' },
    forceRemove: { to: 'removing' },
    exec: { to: 'same' },
    attach: { to: 'same' },
    rename: { to: 'same' },
    exit: { to: 'exited' },
    scheduleRestart: { to: 'restarting' },
    fail: { to: 'exited' },
  },
  paused: {
    stop: { to: 'exited' },
    kill: { to: 'same' },
    unpause: { to: 'running' },
    restart: { to: 'running' },
    forceRemove: { to: 'removing' },
    rename: { to: 'same' },
    exit: { to: 'exited' },
    fail: { to: 'exited' },
  },
  restarting: {
    start: { to: 'running' },
    stop: { to: 'exited' },
    kill: { to: 'exited' },
    restart: { to: 'running' },
    forceRemove: { to: 'removing' },
    rename: { to: 'same' },
    exit: { to: 'exited' },
    fail: { to: 'exited' },
  },
  exited: {
    start: { to: 'running' },
    stop: { noop: true, why: 'is not running' },
    restart: { to: 'running' },
    remove: { to: 'removing' },
    forceRemove: { to: 'removing' },
    rename: { to: 'same' },
    attach: { to: 'same' },
    exit: { to: 'same' },
    scheduleRestart: { to: 'restarting' },
    fail: { to: 'exited' },
  },
  removing: {
    forceRemove: { to: 'removing' },
    exit: { to: 'same' },
  },
  dead: {
    remove: { to: 'removing' },
    forceRemove: { to: 'removing' },
  },
};

/** Why a verb is refused, in words users know from Docker. */
function refusal(state: ContainerState, verb: ContainerVerb, who: string): ForgeError {
  const what = `cannot ${verb} container ${who}: it is ${state}`;
  const hints: Partial<Record<ContainerVerb, string>> = {
    remove: 'stop it first, or remove it with --force',
    start: state === 'running' ? 'it is already running' : '',
    exec: 'start the container first',
    unpause: 'only a paused container can be unpaused',
    pause: 'only a running container can be paused',
    kill: 'the container is not running',
  };
  const hint = hints[verb];
  // Conflict: the request is fine but clashes with the container's state (Docker answers 409).
  return new ForgeError('Conflict', what, { ...(hint ? { hint } : {}), details: { state, verb } });
}

export interface TransitionResult {
  /** The state to persist after the verb's action succeeds. */
  next: ContainerState;
  /** True when the verb is legal but has nothing to do. */
  noop: boolean;
}

export function transition(state: ContainerState, verb: ContainerVerb, who = ''): TransitionResult {
  const rule = TABLE[state]?.[verb];
  if (!rule) throw refusal(state, verb, who);
  if ('noop' in rule) return { next: state, noop: true };
  return { next: rule.to === 'same' ? state : rule.to, noop: false };
}

export function assertTransition(state: ContainerState, verb: ContainerVerb, who = ''): void {
  transition(state, verb, who);
}

export function canTransition(state: ContainerState, verb: ContainerVerb): boolean {
  return TABLE[state]?.[verb] !== undefined;
}

/** States in which a task (process) may be alive and must be watched. */
export function hasLiveTask(state: ContainerState): boolean {
  return state === 'running' || state === 'paused' || state === 'restarting';
}

export function isContainerState(value: string): value is ContainerState {
  return (CONTAINER_STATES as readonly string[]).includes(value);
}
