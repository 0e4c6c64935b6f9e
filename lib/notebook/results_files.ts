/**
 * What the report left in `results/` for notebooks to show: `README.md`, the tables
 * (`tables/*.csv`) and the plot specs (`plots/*.vl.json`), with tables read into typed rows and
 * the README's relative links rewritten to work from the notebook's folder.
 *
 * @example
 * ```ts
 * import { listResults, readTable } from "./results_files.ts";
 * const found = await listResults("../results");
 * for (const file of found.tables) console.log(file, (await readTable(file)).length);
 * ```
 * @module
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseCsv } from "../report/csv.ts";
import { ConfigError } from "../util/errors.ts";

/**
 * The report's files under a results folder; absent ones are null or empty lists.
 *
 * @example
 * ```ts
 * import { listResults, type ResultsFiles } from "./results_files.ts";
 * const found: ResultsFiles = await listResults("results");
 * if (found.readme === null) console.log("no report yet: deno task report");
 * ```
 */
export interface ResultsFiles {
  /** The results folder, absolute. */
  dir: string;
  /** `README.md`, when present. */
  readme: string | null;
  /** `tables/*.csv`, sorted. */
  tables: string[];
  /** `plots/*.vl.json`, sorted. */
  plots: string[];
}

/**
 * Lists the report's files under `dir`; a missing folder gives an empty listing, not an error.
 *
 * @example
 * ```ts
 * import { listResults } from "./results_files.ts";
 * const { readme, tables, plots } = await listResults("results");
 * ```
 */
export async function listResults(dir: string): Promise<ResultsFiles> {
  const root = path.resolve(dir);
  const readmeFile = path.join(root, "README.md");
  const [top, tables, plots] = await Promise.all([
    filesIn(root, (name) => name === "README.md"),
    filesIn(path.join(root, "tables"), (name) => name.endsWith(".csv")),
    filesIn(path.join(root, "plots"), (name) => name.endsWith(".vl.json")),
  ]);
  return {
    dir: root,
    readme: top.length > 0 ? readmeFile : null,
    tables,
    plots,
  };
}

/**
 * A CSV field, typed: numbers and booleans as such, an empty field as null.
 *
 * @example
 * ```ts
 * import type { TableField } from "./results_files.ts";
 * const row: Record<string, TableField> = { lr: 0.1, status: "stuck_at_chance", fits: false, accuracy: null };
 * ```
 */
export type TableField = string | number | boolean | null;

/**
 * Parses CSV text (a header row, then records) into rows with typed fields: fields that read as
 * finite numbers become numbers, `true`/`false` booleans, empty fields null.
 *
 * @example
 * ```ts
 * import { parseTypedCsv } from "./results_files.ts";
 * parseTypedCsv("lr,status,acc\n0.1,stuck,\n"); // [{ lr: 0.1, status: "stuck", acc: null }]
 * ```
 */
export function parseTypedCsv(text: string): Record<string, TableField>[] {
  return parseCsv(text).map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, field]) => [key, typedField(field)]),
    )
  );
}

/**
 * Reads a CSV table with {@linkcode parseTypedCsv}; an unreadable or malformed file is a
 * one-line {@linkcode ConfigError} naming it.
 *
 * @example
 * ```ts
 * import { readTable } from "./results_files.ts";
 * const rows = await readTable("results/tables/memory_frontier.csv");
 * ```
 */
export async function readTable(
  file: string,
): Promise<Record<string, TableField>[]> {
  try {
    return parseTypedCsv(await readFile(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message}`);
  }
}

/**
 * `markdown` (written in folder `fromDir`) with the targets of its relative links and images
 * rewritten to be relative to `toDir`, so a README shown inside a notebook still points at its
 * files. Absolute paths, URLs with a scheme and `#anchors` are kept.
 *
 * @example
 * ```ts
 * import { rebaseMarkdownLinks } from "./results_files.ts";
 * rebaseMarkdownLinks("![lr](plots/lr.svg)", "/repo/results", "/repo/notebooks");
 * // "![lr](../results/plots/lr.svg)"
 * ```
 */
export function rebaseMarkdownLinks(
  markdown: string,
  fromDir: string,
  toDir: string,
): string {
  return markdown.replace(
    /(!?\[[^\]]*\]\()([^)\s]+)/g,
    (whole, opening: string, target: string) => {
      if (/^([a-z][a-z0-9+.-]*:|#|\/)/i.test(target)) return whole;
      const rebased = path.relative(toDir, path.resolve(fromDir, target))
        .split(path.sep).join("/");
      return `${opening}${rebased}`;
    },
  );
}

function typedField(field: string): TableField {
  if (field === "") return null;
  if (field === "true" || field === "false") return field === "true";
  const number = Number(field);
  return field.trim() !== "" && Number.isFinite(number) ? number : field;
}

async function filesIn(
  dir: string,
  wanted: (name: string) => boolean,
): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names.filter(wanted).sort().map((name) => path.join(dir, name));
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return [];
    throw error;
  }
}
