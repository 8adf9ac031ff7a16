/**
 * util/zod-locales: zod loads only its English locale, says the same as without the stand-in,
 * and other locales still load when asked for. Each case runs in a fresh Node, as the daemon does.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const STAND_IN = path.resolve(__dirname, '..', '..', '..', 'src', 'util', 'zod-locales.js');

/** Runs `script` in a new Node (zod resolved from the project), with the stand-in first or not. */
function inFreshNode(script: string, standIn: boolean): unknown {
  const pre = standIn ? `require(${JSON.stringify(STAND_IN)});` : '';
  const r = spawnSync(process.execPath, ['-e', `${pre}const z = require('zod'); const out = (() => { ${script} })(); console.log(JSON.stringify(out));`], {
    cwd: path.resolve(__dirname, '..', '..', '..', '..'),
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const LOCALES_LOADED = `return Object.keys(require.cache).filter((f) => f.includes('/zod/v4/locales/')).map((f) => f.split('/').pop()).sort();`;

describe('zod locales stand-in', () => {
  it('loads only the index and English', () => {
    assert.deepEqual(inFreshNode(LOCALES_LOADED, true), ['en.cjs', 'index.cjs']);
    assert.ok((inFreshNode(LOCALES_LOADED, false) as string[]).length > 60, 'without it, zod loads every locale');
  });

  it('gives the same messages as zod without it', () => {
    const messages = `
      const s = z.object({ a: z.string().min(2), b: z.number().int(), c: z.enum(['x', 'y']), d: z.array(z.string()).max(1) }).strict();
      return s.safeParse({ a: 'q', b: 1.5, c: 'z', d: ['1', '2'], e: 1 }).error.issues.map((i) => i.message);`;
    const withStandIn = inFreshNode(messages, true) as string[];
    assert.equal(withStandIn.length, 5);
    assert.deepEqual(withStandIn, inFreshNode(messages, false));
  });

  it('still loads another locale when asked for', () => {
    const french = `z.config(z.locales.fr()); const fr = z.string().safeParse(1).error.issues[0].message;
      z.config(z.locales.ptBR()); const pt = z.string().safeParse(1).error.issues[0].message;
      return [fr, pt];`;
    assert.deepEqual(inFreshNode(french, true), inFreshNode(french, false));
  });
});
