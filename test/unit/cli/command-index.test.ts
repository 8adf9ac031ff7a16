import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { createProgram } from '../../../src/cli/main';
import type { CliDeps } from '../../../src/cli/context';
import { COMMAND_INDEX, commandWord } from '../../../src/cli/command-index';

function deps(): CliDeps {
  const sink = new PassThrough();
  sink.resume();
  return {
    runDaemon: () => Promise.reject(new Error('no daemon in unit tests')),
    entryScript: '/nonexistent',
    stdout: sink as unknown as NodeJS.WriteStream,
    stderr: sink as unknown as NodeJS.WriteStream,
  };
}

const named = (program: Command, word: string) => program.commands.find((c) => c.name() === word || c.aliases().includes(word));

/** A command's shape: its usage, options and sub-commands, recursively. */
function shape(c: Command): unknown {
  return { usage: c.usage(), options: c.options.map((o) => o.flags).sort(), commands: c.commands.map((s) => [s.name(), shape(s)]) };
}

describe('CLI command index', () => {
  const full = createProgram(deps()).program;

  it('indexes every top-level command and alias of the full program', () => {
    for (const c of full.commands) {
      for (const word of [c.name(), ...c.aliases()]) assert.ok(Object.hasOwn(COMMAND_INDEX, word), `'${word}' is missing from COMMAND_INDEX`);
    }
  });

  it('registers, for each indexed word, the same command as the full program', () => {
    for (const word of Object.keys(COMMAND_INDEX)) {
      const lazy = createProgram(deps(), ['--host', 'unix:///nonexistent.sock', word]).program;
      const want = named(full, word);
      const got = named(lazy, word);
      assert.ok(want, `'${word}' is not a command of the full program`);
      assert.ok(got, `'${word}' is not registered by its index entry`);
      assert.deepEqual(shape(got), shape(want), word);
    }
  });

  it('registers only the named command (the point of the index)', () => {
    const lazy = createProgram(deps(), ['run', 'busybox']).program;
    assert.deepEqual(
      lazy.commands.map((c) => c.name()),
      ['run'],
    );
  });

  it('finds the command word after the global options', () => {
    assert.equal(commandWord(['--host', 'unix:///x.sock', '--root', '/r', 'run', 'busybox', 'ps']), 'run');
    assert.equal(commandWord(['-D', '-H', 'x', 'ps', '-a']), 'ps');
    assert.equal(commandWord(['--host=unix:///x.sock', 'images']), 'images');
    assert.equal(commandWord(['--', 'ps']), 'ps');
    assert.equal(commandWord(['--version']), undefined);
    assert.equal(commandWord([]), undefined);
  });

  it('registers everything for no command, help or an unknown word', () => {
    for (const argv of [[], ['--help'], ['help', 'run'], ['nosuchcommand']]) {
      assert.equal(createProgram(deps(), argv).program.commands.length, full.commands.length, argv.join(' '));
    }
  });
});
