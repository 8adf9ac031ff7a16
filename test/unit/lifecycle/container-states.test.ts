import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONTAINER_STATES, CONTAINER_VERBS, canTransition, transition, type ContainerState, type ContainerVerb } from '../../../src/lifecycle/container-states';
import { ForgeError } from '../../../src/errors';

describe('container state machine', () => {
  const legal: Array<[ContainerState, ContainerVerb, ContainerState]> = [
    ['created', 'start', 'running'],
    ['exited', 'start', 'running'],
    ['running', 'stop', 'exited'],
    ['running', 'pause', 'paused'],
    ['paused', 'unpause', 'running'],
    ['running', 'exit', 'exited'],
    ['running', 'forceRemove', 'removing'],
    ['exited', 'remove', 'removing'],
    ['created', 'remove', 'removing'],
    ['running', 'exec', 'running'],
    ['exited', 'scheduleRestart', 'restarting'],
    ['restarting', 'start', 'running'],
    ['created', 'fail', 'exited'],
  ];
  for (const [from, verb, to] of legal) {
    it(`${from} --${verb}--> ${to}`, () => assert.deepEqual(transition(from, verb), { next: to, noop: false }));
  }

  const illegal: Array<[ContainerState, ContainerVerb]> = [
    ['running', 'start'],
    ['running', 'remove'],
    ['paused', 'remove'],
    ['exited', 'kill'],
    ['created', 'pause'],
    ['exited', 'exec'],
    ['paused', 'exec'],
    ['running', 'unpause'],
    ['removing', 'start'],
    ['removing', 'remove'],
  ];
  for (const [from, verb] of illegal) {
    it(`${verb} is refused while ${from}, with Conflict naming both`, () => {
      assert.throws(
        () => transition(from, verb, 'web'),
        (e: unknown) => e instanceof ForgeError && e.code === 'Conflict' && e.message.includes(verb) && e.message.includes(from) && e.message.includes('web'),
      );
    });
  }

  it('stop of a stopped container is a legal no-op (as Docker)', () => {
    assert.deepEqual(transition('exited', 'stop'), { next: 'exited', noop: true });
    assert.deepEqual(transition('created', 'stop'), { next: 'created', noop: true });
  });

  it('rm of a running container says to stop it or force', () => {
    assert.throws(() => transition('running', 'remove', 'x'), (e: unknown) => e instanceof ForgeError && /--force/.test(e.hint ?? ''));
  });

  it('every state can be force-removed except none, and the table only names known verbs', () => {
    for (const s of CONTAINER_STATES) assert.ok(canTransition(s, 'forceRemove'), s);
    for (const s of CONTAINER_STATES) for (const v of CONTAINER_VERBS) assert.equal(typeof canTransition(s, v), 'boolean');
  });
});
