/**
 * The harness's one table: a row per figure with ForgeOne's median and spread, the peer's, the
 * ratio, the target and whether it is met, and the change since the previous results file of
 * the same mode (bench/results/all-<mode>-*.json). Figures are medians over repeated runs taken
 * interleaved in one run, so a ratio is meaningful even when the host is loaded.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Stats } from './lib';

export interface Row {
  /** Stable id, used to compare with the previous results. */
  key: string;
  figure: string;
  unit: 'ms' | 'MB';
  forgeone?: Stats;
  peer?: string;
  peerStats?: Stats;
  /** `ratio`: forgeone/peer must be ≤ max; `absolute`: forgeone's median must be ≤ max (in unit). */
  target?: { kind: 'ratio' | 'absolute'; max: number };
  /** Why a figure is missing ("not installed", "n/a until networking lands"). */
  note?: string;
}

export interface Results {
  date: string;
  mode: 'quick' | 'full';
  /** 1-minute load average before and after: the figures were taken on a shared host. */
  load: [number, number];
  params: Record<string, number>;
  rows: Row[];
}

const RESULTS_DIR = path.resolve(__dirname, '..', '..', 'bench', 'results');

/** Quick runs (CI) go to a git-ignored folder, so a check run leaves the tree clean. */
export function resultsDir(mode: Results['mode']): string {
  return mode === 'quick' ? path.join(RESULTS_DIR, 'quick') : RESULTS_DIR;
}

export function ratioOf(row: Row): number | undefined {
  if (!row.forgeone) return undefined;
  if (row.target?.kind === 'absolute') return undefined;
  return row.peerStats && row.peerStats.median > 0 ? row.forgeone.median / row.peerStats.median : undefined;
}

function verdict(row: Row): string {
  if (!row.target || !row.forgeone) return '';
  const value = row.target.kind === 'absolute' ? row.forgeone.median : ratioOf(row);
  if (value === undefined) return '';
  // Judged as printed (two decimals): 1.003× of the same conmon binary is no miss.
  return Number(value.toFixed(row.target.kind === 'ratio' ? 2 : 1)) <= row.target.max ? 'ok' : 'MISS';
}

function fmt(x: Stats | undefined, unit: string): string {
  if (!x) return '';
  const f = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  return x.n > 1 ? `${f(x.median)} ${unit} [${f(x.min)}–${f(x.max)}]` : `${f(x.median)} ${unit}`;
}

function delta(row: Row, previous: Results | undefined): string {
  const before = previous?.rows.find((r) => r.key === row.key);
  if (!before?.forgeone || !row.forgeone) return '';
  const pct = ((row.forgeone.median - before.forgeone.median) / before.forgeone.median) * 100;
  const parts = [`${pct >= 0 ? '+' : ''}${pct.toFixed(0)}%`];
  const r0 = ratioOf(before);
  const r1 = ratioOf(row);
  if (r0 !== undefined && r1 !== undefined) parts.push(`ratio ${r0.toFixed(2)}→${r1.toFixed(2)}`);
  return parts.join(', ');
}

export function printResults(results: Results, previous: { file: string; results: Results } | undefined): void {
  const headers = ['figure', 'forgeone median [min–max]', 'peer', 'peer median [min–max]', 'ratio', 'target', '', previous ? 'Δ vs last' : ''];
  const rows = results.rows.map((r) => {
    const ratio = ratioOf(r);
    const target = r.target ? (r.target.kind === 'ratio' ? `≤ ${r.target.max}×` : `≤ ${r.target.max} ${r.unit}`) : '';
    return [
      r.figure,
      r.forgeone ? fmt(r.forgeone, r.unit) : (r.note ?? 'n/a'),
      r.peer ?? '',
      r.peerStats ? fmt(r.peerStats, r.unit) : r.peer ? (r.forgeone ? (r.note ?? 'n/a') : '') : '',
      ratio !== undefined ? `${ratio.toFixed(2)}×` : '',
      target,
      verdict(r),
      delta(r, previous?.results),
    ];
  });
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]! + 2)).join('').trimEnd();
  console.log(`\nForgeOne vs peers (${results.mode} mode, ${Object.entries(results.params).map(([k, v]) => `${k} ${v}`).join(', ')}; load ${results.load[0].toFixed(2)}→${results.load[1].toFixed(2)})`);
  console.log(line(headers));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  if (previous) console.log(`\nΔ: ForgeOne's median against ${path.relative(process.cwd(), previous.file)} (${previous.results.date})`);
}

/** The newest earlier results file of this mode, if any. */
export function loadPrevious(mode: Results['mode']): { file: string; results: Results } | undefined {
  const dir = resultsDir(mode);
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(`all-${mode}-`) && f.endsWith('.json'))
    .sort();
  const last = files[files.length - 1];
  if (!last) return undefined;
  const file = path.join(dir, last);
  try {
    return { file, results: JSON.parse(readFileSync(file, 'utf8')) as Results };
  } catch {
    return undefined;
  }
}

export function saveResults(results: Results): string {
  const dir = resultsDir(results.mode);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `all-${results.mode}-${results.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  return file;
}
