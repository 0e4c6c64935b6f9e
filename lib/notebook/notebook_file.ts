/**
 * Jupyter notebook files (nbformat 4) as plain data: reading and validating one, a cell's source
 * as text, and how messages name a cell ("cell 7: const result = await train(…").
 *
 * @example
 * ```ts
 * import { describeCell, readNotebook } from "./notebook_file.ts";
 * const notebook = await readNotebook("notebooks/01_data.ipynb");
 * console.log(describeCell(notebook, 2));
 * ```
 * @module
 */
import { readFile } from "node:fs/promises";
import { ConfigError } from "../util/errors.ts";

/**
 * One output of a code cell, as nbformat 4 stores it.
 *
 * @example
 * ```ts
 * import type { NotebookOutput } from "./notebook_file.ts";
 * const printed: NotebookOutput = { output_type: "stream", name: "stdout", text: ["hello\n"] };
 * ```
 */
export interface NotebookOutput {
  output_type: "stream" | "display_data" | "execute_result" | "error";
  /** stream: "stdout" or "stderr". */
  name?: string;
  /** stream: the text (a string or a list of lines). */
  text?: string | string[];
  /** display_data, execute_result: MIME type -> representation. */
  data?: Record<string, unknown>;
  /** error: the exception's class, message and traceback. */
  ename?: string;
  evalue?: string;
  traceback?: string[];
  [key: string]: unknown;
}

/**
 * One cell.
 *
 * @example
 * ```ts
 * import type { NotebookCell } from "./notebook_file.ts";
 * const cell: NotebookCell = { cell_type: "code", metadata: {}, source: "1 + 1", outputs: [], execution_count: null };
 * ```
 */
export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  /** nbformat 4.5 cell id. */
  id?: string;
  metadata: { tags?: string[]; [key: string]: unknown };
  /** The source, as one string or a list of lines (each with its newline). */
  source: string | string[];
  /** Code cells: outputs of the last execution. */
  outputs?: NotebookOutput[];
  /** Code cells: the kernel's execution counter, or null when not run. */
  execution_count?: number | null;
  [key: string]: unknown;
}

/**
 * A notebook.
 *
 * @example
 * ```ts
 * import type { Notebook } from "./notebook_file.ts";
 * const empty: Notebook = { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 };
 * ```
 */
export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/**
 * Reads and checks a notebook file; a missing file, bad JSON or a file that is not an nbformat 4
 * notebook is a one-line {@linkcode ConfigError} naming the file.
 *
 * @example
 * ```ts
 * import { readNotebook } from "./notebook_file.ts";
 * const { cells } = await readNotebook("notebooks/02_model.ipynb");
 * ```
 */
export async function readNotebook(file: string): Promise<Notebook> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ConfigError(
      code === "ENOENT"
        ? `${file}: no such notebook`
        : `${file}: cannot read (${code})`,
    );
  }
  return parseNotebook(text, file);
}

/**
 * Parses notebook JSON; `file` names it in errors.
 *
 * @example
 * ```ts
 * import { parseNotebook } from "./notebook_file.ts";
 * parseNotebook('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "x.ipynb").cells;
 * // []
 * ```
 */
export function parseNotebook(text: string, file: string): Notebook {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not JSON (${(error as Error).message})`);
  }
  const notebook = json as Partial<Notebook> | null;
  if (
    typeof notebook !== "object" || notebook === null ||
    notebook.nbformat !== 4 || !Array.isArray(notebook.cells) ||
    !notebook.cells.every(isCell)
  ) {
    throw new ConfigError(`${file}: not an nbformat 4 notebook`);
  }
  return {
    cells: notebook.cells,
    metadata: notebook.metadata ?? {},
    nbformat: 4,
    nbformat_minor: notebook.nbformat_minor ?? 5,
  };
}

/**
 * A cell's source as one string.
 *
 * @example
 * ```ts
 * import { cellSource } from "./notebook_file.ts";
 * cellSource({ cell_type: "code", metadata: {}, source: ["a\n", "b"] }); // "a\nb"
 * ```
 */
export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/**
 * How messages name cell `index` (0-based) of `notebook`: its 1-based position among all cells,
 * as counted top to bottom in Jupyter, and its first non-blank line.
 *
 * @example
 * ```ts
 * import { describeCell } from "./notebook_file.ts";
 * const notebook = {
 *   cells: [{ cell_type: "code" as const, metadata: {}, source: "\nthrow new Error('x');" }],
 *   metadata: {}, nbformat: 4, nbformat_minor: 5,
 * };
 * describeCell(notebook, 0); // "cell 1: throw new Error('x');"
 * ```
 */
export function describeCell(notebook: Notebook, index: number): string {
  const cell = notebook.cells[index];
  if (cell === undefined) return `cell ${index + 1}`;
  const firstLine = cellSource(cell).split("\n").map((line) => line.trim())
    .find((line) => line !== "") ?? "(empty)";
  const shown = firstLine.length > 60
    ? `${firstLine.slice(0, 59).trimEnd()}…`
    : firstLine;
  return `cell ${index + 1}: ${shown}`;
}

/**
 * Whether `cell` carries `tag` in its metadata.
 *
 * @example
 * ```ts
 * import { hasTag } from "./notebook_file.ts";
 * hasTag({ cell_type: "code", metadata: { tags: ["parameters"] }, source: "" }, "parameters"); // true
 * ```
 */
export function hasTag(cell: NotebookCell, tag: string): boolean {
  return Array.isArray(cell.metadata?.tags) && cell.metadata.tags.includes(tag);
}

function isCell(value: unknown): value is NotebookCell {
  if (typeof value !== "object" || value === null) return false;
  const cell = value as Partial<NotebookCell>;
  return (cell.cell_type === "code" || cell.cell_type === "markdown" ||
    cell.cell_type === "raw") &&
    (typeof cell.source === "string" || Array.isArray(cell.source));
}
