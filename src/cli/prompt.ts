/** Yes/no questions on a terminal. Without a terminal the answer is no: scripts pass --force. */
import * as readline from 'node:readline/promises';
import { ForgeError } from '../errors';
import type { CliContext } from './context';

export async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new ForgeError('FailedPrecondition', 'refusing to continue without confirmation: standard input is not a terminal', {
      hint: 'pass --force',
    });
  }
  const rl = readline.createInterface({ input: process.stdin, output: ctx.err });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Reads a line without echo (passwords). */
export async function readSecret(ctx: CliContext, question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: ctx.err, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  let asked = false;
  output._writeToOutput = (s: string) => {
    if (!asked) {
      ctx.err.write(s);
      asked = true;
    }
  };
  try {
    const answer = await rl.question(question);
    ctx.err.write('\n');
    return answer;
  } finally {
    rl.close();
  }
}
