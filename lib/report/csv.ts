/**
 * Comma-separated tables (RFC 4180): a header row, then one row per record. Numbers are written
 * as JavaScript prints them (unformatted, full precision), so a spreadsheet or pandas reads back
 * the exact values; fields holding a comma, quote or line break are quoted.
 *
 * @example
 * ```ts
 * import { formatCsv, parseCsv } from "./csv.ts";
 * const text = formatCsv(["lr", "status"], [{ lr: 0.1, status: "ok" }]);
 * parseCsv(text); // [{ lr: "0.1", status: "ok" }]
 * ```
 * @module
 */

/** A table cell: numbers and booleans as written, null and NaN as an empty field. */
export type CsvValue = string | number | boolean | null | undefined;

/**
 * The CSV text of `rows`, with `columns` as the header and the column order.
 *
 * @example
 * ```ts
 * import { formatCsv } from "./csv.ts";
 * formatCsv(["a", "b"], [{ a: 1, b: "x,y" }]); // 'a,b\n1,"x,y"\n'
 * ```
 */
export function formatCsv(
  columns: readonly string[],
  rows: readonly Record<string, CsvValue>[],
): string {
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) {
    lines.push(columns.map((column) => csvField(row[column])).join(","));
  }
  return `${lines.join("\n")}\n`;
}

function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" && !Number.isFinite(value)) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Parses CSV text with a header row into one record per row (all values as strings). Quoted
 * fields may hold commas, doubled quotes and line breaks; a trailing newline is optional.
 * Throws an Error naming the line when a row has a different number of fields than the header.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./csv.ts";
 * parseCsv('name,note\nvgg16,"a ""big"" one"\n'); // [{ name: "vgg16", note: 'a "big" one' }]
 * ```
 */
export function parseCsv(text: string): Record<string, string>[] {
  const rows = csvRows(text);
  const header = rows.shift();
  if (header === undefined) return [];
  return rows.map((fields, index) => {
    if (fields.length !== header.length) {
      throw new Error(
        `row ${
          index + 2
        } has ${fields.length} fields, the header ${header.length}`,
      );
    }
    return Object.fromEntries(header.map((name, i) => [name, fields[i]]));
  });
}

function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}
