/**
 * Tables for notebook output: one bundle with an HTML table (what Jupyter shows) and the same
 * table as a Markdown pipe table (`text/markdown`, and `text/plain` for consoles and diffs).
 * Cells may hold numbers, text, or {@linkcode RichCell}s such as images.
 *
 * @example
 * ```ts
 * import { tableBundle } from "./table.ts";
 * const bundle = tableBundle([{ layer: "conv1_1", params: 1792 }], { caption: "VGG16" });
 * bundle["text/plain"]; // "VGG16\n\n| layer | params |\n| --- | ---: |\n| conv1_1 | 1,792 |"
 * ```
 * @module
 */
import type { MimeBundle } from "./bundle.ts";
import { escapeHtml, pngDataUri } from "./bundle.ts";
import type { RgbImage } from "../util/png.ts";

/**
 * A cell with its own HTML (e.g. an image) and a text stand-in for Markdown and plain text.
 *
 * @example
 * ```ts
 * import type { RichCell } from "./table.ts";
 * const link: RichCell = { html: '<a href="../results/README.md">report</a>', text: "report" };
 * ```
 */
export interface RichCell {
  /** Raw HTML, inserted as is. */
  html: string;
  /** What Markdown and plain text show instead. */
  text: string;
}

/**
 * A table cell: numbers are formatted by {@linkcode formatNumber}; null shows as empty.
 *
 * @example
 * ```ts
 * import type { TableValue } from "./table.ts";
 * const row: Record<string, TableValue> = { layer: "fc1", params: 102_764_544, note: null };
 * ```
 */
export type TableValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | RichCell;

/**
 * Options of {@linkcode tableBundle}.
 *
 * @example
 * ```ts
 * import { tableBundle, type TableOptions } from "./table.ts";
 * const options: TableOptions = { columns: ["layer", "params"], caption: "VGG16", maxRows: 50 };
 * tableBundle([{ layer: "fc1", params: 102_764_544, extra: 1 }], options); // "extra" is left out
 * ```
 */
export interface TableOptions {
  /** Columns, in order; default: the keys of the first row. */
  columns?: readonly string[];
  /** A line above the table. */
  caption?: string;
  /** Rows beyond this many are left out, with a note saying how many; default 200. */
  maxRows?: number;
}

/**
 * The bundle of a table of `rows` (HTML, Markdown and plain text). Numeric columns are
 * right-aligned.
 *
 * @example
 * ```ts
 * import { tableBundle } from "./table.ts";
 * tableBundle([{ lr: 0.1, status: "stuck_at_chance" }])["text/html"].includes("<table>"); // true
 * ```
 */
export function tableBundle(
  rows: readonly Record<string, TableValue>[],
  options: TableOptions = {},
): MimeBundle {
  const columns = options.columns ?? Object.keys(rows[0] ?? {});
  const maxRows = options.maxRows ?? 200;
  const shown = rows.slice(0, maxRows);
  const omitted = rows.length - shown.length;
  const note = omitted > 0
    ? `${omitted} more row${omitted === 1 ? "" : "s"} not shown`
    : undefined;
  const numeric = columns.map((column) =>
    shown.length > 0 &&
    shown.every((row) => typeof row[column] === "number" || row[column] == null)
  );

  const html = [
    "<table>",
    options.caption === undefined
      ? ""
      : `<caption>${escapeHtml(options.caption)}</caption>`,
    `<thead><tr>${
      columns.map((column) => `<th>${escapeHtml(column)}</th>`).join("")
    }</tr></thead>`,
    "<tbody>",
    ...shown.map((row) =>
      `<tr>${
        columns.map((column, i) =>
          `<td${numeric[i] ? ' style="text-align: right"' : ""}>${
            htmlCell(row[column])
          }</td>`
        ).join("")
      }</tr>`
    ),
    "</tbody>",
    "</table>",
    note === undefined ? "" : `<p>${note}</p>`,
  ].join("");

  const markdownRow = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const markdown = [
    ...(options.caption === undefined ? [] : [options.caption, ""]),
    markdownRow(columns.map(escapeMarkdown)),
    markdownRow(numeric.map((right) => right ? "---:" : "---")),
    ...shown.map((row) =>
      markdownRow(
        columns.map((column) => escapeMarkdown(textCell(row[column]))),
      )
    ),
    ...(note === undefined ? [] : ["", note]),
  ].join("\n");

  return {
    "text/html": html,
    "text/markdown": markdown,
    "text/plain": markdown,
  };
}

/**
 * A table cell showing `image` as an inline PNG, with `alt` as its text. `scale` enlarges it on
 * screen (the PNG keeps its pixels; viewers that honour the style keep them sharp).
 *
 * @example
 * ```ts
 * import { imageCell } from "./table.ts";
 * imageCell({ width: 1, height: 1, rgb: new Uint8Array(3) }, "cat", 2).text; // "cat"
 * ```
 */
export function imageCell(image: RgbImage, alt: string, scale = 1): RichCell {
  const width = Math.round(image.width * scale);
  const height = Math.round(image.height * scale);
  return {
    html: `<img src="${pngDataUri(image)}" alt="${
      escapeHtml(alt)
    }" width="${width}" height="${height}" style="image-rendering: pixelated">`,
    text: alt,
  };
}

/**
 * How tables show a number: integers with thousands separators, other values with four
 * significant digits (exponent notation below 0.001), non-finite values as written.
 *
 * @example
 * ```ts
 * import { formatNumber } from "./table.ts";
 * [formatNumber(138357544), formatNumber(0.123456), formatNumber(0.0001)];
 * // ["138,357,544", "0.1235", "1e-4"]
 * ```
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) {
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3) {
    return value.toExponential(3).replace(/\.?0+e/, "e");
  }
  return String(Number(value.toPrecision(4)));
}

function textCell(value: TableValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "object") return value.text;
  return String(value);
}

function htmlCell(value: TableValue): string {
  if (typeof value === "object" && value !== null) return value.html;
  return escapeHtml(textCell(value));
}

function escapeMarkdown(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
