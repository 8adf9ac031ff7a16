import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ProgressRenderer } from '../../../src/cli/render/progress';
import { renderTable, renderTemplate } from '../../../src/cli/render/table';
import { humanSize } from '../../../src/util/format';
import { ForgeError } from '../../../src/errors';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  let out = '';
  s.on('data', (d: Buffer) => (out += d.toString()));
  return { stream: s as unknown as NodeJS.WriteStream, text: () => out };
}

describe('progress rendering', () => {
  const events = [
    { status: 'latest: Pulling from library/busybox' },
    { id: 'aaa', status: 'Pulling fs layer' },
    { id: 'bbb', status: 'Pulling fs layer' },
    { id: 'aaa', status: 'Downloading', progressDetail: { current: 10, total: 100 } },
    { id: 'aaa', status: 'Downloading', progressDetail: { current: 50, total: 100 } },
    { id: 'aaa', status: 'Pull complete' },
    { status: 'Status: Downloaded newer image for busybox:latest' },
  ];

  it('piped: one line per state change, no byte ticks, no escapes', () => {
    const c = capture();
    const r = new ProgressRenderer(c.stream, 'plain');
    for (const e of events) r.render(e);
    assert.equal(
      c.text(),
      'latest: Pulling from library/busybox\naaa: Pulling fs layer\nbbb: Pulling fs layer\naaa: Downloading\naaa: Pull complete\nStatus: Downloaded newer image for busybox:latest\n',
    );
  });

  it('terminal: redraws the layer line in place with a bar', () => {
    const c = capture();
    const r = new ProgressRenderer(c.stream, 'tty');
    for (const e of events) r.render(e);
    assert.match(c.text(), /\x1b\[2A\r\x1b\[2Kaaa: Downloading \[=*>\s*\] 10B\/100B/);
    assert.equal(c.text().split('\n').length, 5, 'one line per layer plus the messages');
  });

  it('quiet: nothing', () => {
    const c = capture();
    const r = new ProgressRenderer(c.stream, 'quiet');
    for (const e of events) r.render(e);
    assert.equal(c.text(), '');
  });
});

describe('tables and templates', () => {
  it('aligns columns like docker', () => {
    const out = renderTable([['a', 'REPOSITORY'], ['b', 'TAG']], [{ a: 'busybox', b: 'latest' }, { a: 'x', b: 'y' }]);
    assert.equal(out, 'REPOSITORY   TAG\nbusybox      latest\nx            y\n');
  });
  it('fills {{.Field}}, {{json .}} and escapes', () => {
    assert.equal(renderTemplate('{{.Repository}}:{{.Tag}}\\t{{json .Size}}', { Repository: 'r', Tag: 't', Size: 3 }), 'r:t\t3');
    assert.equal(renderTemplate('{{.Config.Cmd}}', { Config: { Cmd: ['sh'] } }), '["sh"]');
    assert.throws(() => renderTemplate('{{.A.B}}', { A: 1 }), (e: unknown) => e instanceof ForgeError && e.code === 'InvalidArgument');
  });
  it('prints sizes as docker does', () => {
    assert.equal(humanSize(0), '0B');
    assert.equal(humanSize(1054527), '1.05MB');
    assert.equal(humanSize(999), '999B');
    assert.equal(humanSize(4_300_000_000), '4.3GB');
  });
});
