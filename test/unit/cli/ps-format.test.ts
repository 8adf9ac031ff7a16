import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ellipsis, formatCommand, formatCreatedAt, parseFilters, psRow, PS_HEADERS } from '../../../src/cli/commands/containers/ps-format';
import { renderTable } from '../../../src/cli/render/table';
import type { ContainerSummary } from '../../../src/config/api-types';

const now = Date.parse('2024-05-01T12:00:00Z');
const summary = (over: Partial<ContainerSummary>): ContainerSummary => ({
  Id: 'a'.repeat(64),
  Names: ['/web'],
  Image: 'busybox:latest',
  ImageID: 'sha256:' + 'b'.repeat(64),
  Command: 'sh',
  Created: now / 1000 - 300,
  State: 'running',
  Status: 'Up 5 minutes',
  Labels: {},
  Engine: 'native',
  Mounts: [],
  ...over,
});

describe('ps formatting', () => {
  it('quotes the command and cuts it to 20 characters with an ellipsis', () => {
    assert.equal(formatCommand('sh', true), '"sh"');
    assert.equal(formatCommand("sh -c 'while true; do sleep 1; done'", true), `"sh -c 'while true; …"`);
    assert.equal([...JSON.parse(formatCommand("sh -c 'while true; do sleep 1; done'", true)) as string].length, 20);
    assert.equal(formatCommand("sh -c 'while true; do sleep 1; done'", false), `"sh -c 'while true; do sleep 1; done'"`);
    assert.equal(formatCommand('echo "hi"', true), '"echo \\"hi\\""');
    assert.equal(ellipsis('12345678901234567890', 20), '12345678901234567890');
    assert.equal(ellipsis('123456789012345678901', 20), '1234567890123456789…');
  });

  it("passes the daemon's STATUS text through and shows CREATED as time ago", () => {
    const rows = [
      psRow(summary({}), { truncate: true, now }),
      psRow(summary({ Id: 'c'.repeat(64), Names: ['/db'], State: 'exited', Status: 'Exited (137) 2 minutes ago', Created: now / 1000 - 7200 }), { truncate: true, now }),
      psRow(summary({ Id: 'd'.repeat(64), Names: ['/new'], State: 'created', Status: 'Created', Created: now / 1000 }), { truncate: true, now }),
    ];
    assert.equal(rows[0]!.ID, 'aaaaaaaaaaaa');
    assert.equal(rows[0]!.RunningFor, '5 minutes ago');
    assert.equal(rows[1]!.RunningFor, '2 hours ago');
    assert.equal(rows[2]!.RunningFor, 'Less than a second ago');
    assert.equal(rows[1]!.Status, 'Exited (137) 2 minutes ago');
    const table = renderTable(PS_HEADERS, rows).split('\n');
    assert.match(table[0]!, /^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$/);
    assert.match(table[1]!, /^aaaaaaaaaaaa +busybox:latest +"sh" +5 minutes ago +Up 5 minutes +web$/);
    assert.match(table[2]!, /^cccccccccccc .* Exited \(137\) 2 minutes ago +db$/);
  });

  it('keeps full IDs with --no-trunc, shortens image IDs, strips the name slash, lists labels', () => {
    const r = psRow(summary({ Image: 'sha256:' + 'e'.repeat(64), Labels: { a: '1', b: '2' }, Names: ['/x', '/y'] }), { truncate: true, now });
    assert.equal(r.Image, 'eeeeeeeeeeee');
    assert.equal(r.Names, 'x,y');
    assert.equal(r.Labels, 'a=1,b=2');
    assert.equal(psRow(summary({}), { truncate: false, now }).ID, 'a'.repeat(64));
    assert.equal(formatCreatedAt(now / 1000), '2024-05-01 12:00:00 +0000 UTC');
  });

  it('groups --filter values by key', () => {
    assert.deepEqual(parseFilters(['status=exited', 'status=created', 'label=a=b']), { status: ['exited', 'created'], label: ['a=b'] });
    assert.throws(() => parseFilters(['status']));
  });
});
