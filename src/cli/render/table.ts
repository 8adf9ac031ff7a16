/**
 * Table and template output: Docker-style aligned columns, `--format json` (one JSON object per
 * line), and simple Go-template strings like `{{.Repository}}:{{.Tag}}` (field substitution only).
 */
import { ForgeError } from '../../errors';

export type Row = Record<string, string>;

export function renderTable(headers: Array<[key: string, title: string]>, rows: Row[]): string {
  const widths = headers.map(([key, title]) => Math.max(title.length, ...rows.map((r) => (r[key] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + 3)))
      .join('')
      .trimEnd();
  return [line(headers.map(([, t]) => t)), ...rows.map((r) => line(headers.map(([k]) => r[k] ?? '')))].join('\n') + '\n';
}

/** Applies `{{.Field}}` / `{{json .}}` / `{{json .Field}}` to a value; `\t` and `\n` escapes work. */
export function renderTemplate(template: string, value: Record<string, unknown>): string {
  const text = template.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  return text.replace(/\{\{\s*(json\s+)?\.([A-Za-z0-9_.]*)\s*\}\}/g, (_m, json: string | undefined, field: string) => {
    let current: unknown = value;
    for (const part of field.split('.').filter(Boolean)) {
      if (current === null || typeof current !== 'object') {
        throw new ForgeError('InvalidArgument', `template: no field "${field}"`);
      }
      current = (current as Record<string, unknown>)[part];
    }
    if (json) return JSON.stringify(current);
    if (current === undefined || current === null) return '<no value>';
    return typeof current === 'object' ? JSON.stringify(current) : String(current);
  });
}

/** Prints items per `--format`: undefined → the table, `json` → JSON lines, else a template. */
export function printFormatted(
  out: NodeJS.WritableStream,
  format: string | undefined,
  items: Array<Record<string, unknown>>,
  table: () => string,
): void {
  if (!format || format === 'table') {
    out.write(table());
    return;
  }
  if (format === 'json') {
    for (const item of items) out.write(JSON.stringify(item) + '\n');
    return;
  }
  const template = format.startsWith('table ') ? format.slice(6) : format;
  for (const item of items) out.write(renderTemplate(template, item) + '\n');
}
