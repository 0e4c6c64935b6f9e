/**
 * What makes an executed notebook fail a headless run: a cell with an error output, or a code
 * cell that showed nothing. The notebooks here are thin by design — every code cell calls the
 * library and shows something — so an empty cell means output went missing (the Deno kernel's
 * late IOPub messages), not that there was nothing to show. Only the parameter cells are exempt.
 *
 * @example
 * ```ts
 * import { checkExecutedNotebook } from "./check.ts";
 * import { readNotebook } from "./notebook_file.ts";
 * const problems = checkExecutedNotebook(await readNotebook("notebooks/01_data.ipynb"));
 * for (const problem of problems) console.error(problem.message);
 * ```
 * @module
 */
import {
  cellSource,
  describeCell,
  hasTag,
  type Notebook,
  type NotebookOutput,
} from "./notebook_file.ts";
import { INJECTED_PARAMETERS_TAG, PARAMETERS_TAG } from "./parameters.ts";

/**
 * One thing wrong with an executed notebook.
 *
 * @example
 * ```ts
 * import type { NotebookProblem } from "./check.ts";
 * const problem: NotebookProblem = { cell: 4, kind: "error", message: "cell 5: x(): failed: Error: boom" };
 * ```
 */
export interface NotebookProblem {
  /** 0-based index of the cell. */
  cell: number;
  /** `error`: the cell raised; `no-output`: it showed nothing; `not-run`: it was never executed. */
  kind: "error" | "no-output" | "not-run";
  /** One line naming the cell and what went wrong. */
  message: string;
}

/**
 * The problems of an executed notebook, top to bottom; empty when it is fine.
 *
 * @example
 * ```ts
 * import { checkExecutedNotebook } from "./check.ts";
 * const notebook = {
 *   cells: [{ cell_type: "code" as const, metadata: {}, source: "1 + 1", execution_count: 1, outputs: [] }],
 *   metadata: {}, nbformat: 4, nbformat_minor: 5,
 * };
 * checkExecutedNotebook(notebook)[0].message; // "cell 1: 1 + 1: showed no output"
 * ```
 */
export function checkExecutedNotebook(notebook: Notebook): NotebookProblem[] {
  const problems: NotebookProblem[] = [];
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code" || cellSource(cell).trim() === "") return;
    const name = describeCell(notebook, index);
    const outputs = cell.outputs ?? [];
    const error = outputs.find((output) => output.output_type === "error");
    if (error !== undefined) {
      problems.push({
        cell: index,
        kind: "error",
        message: `${name}: failed: ${describeError(error)}`,
      });
      return;
    }
    if (hasTag(cell, PARAMETERS_TAG) || hasTag(cell, INJECTED_PARAMETERS_TAG)) {
      return;
    }
    if (cell.execution_count == null && outputs.length === 0) {
      problems.push({
        cell: index,
        kind: "not-run",
        message: `${name}: was not run`,
      });
    } else if (outputs.length === 0) {
      problems.push({
        cell: index,
        kind: "no-output",
        message: `${name}: showed no output`,
      });
    }
  });
  return problems;
}

/**
 * One line for an error output: `ename: evalue`, or a note that the error had no message (a
 * `throw undefined` still fails the run).
 *
 * @example
 * ```ts
 * import { describeError } from "./check.ts";
 * describeError({ output_type: "error", ename: "TypeError", evalue: "x is not a function" });
 * // "TypeError: x is not a function"
 * ```
 */
export function describeError(
  error: Pick<NotebookOutput, "ename" | "evalue">,
): string {
  const name = error.ename?.trim() || "error";
  const value = error.evalue?.trim() ?? "";
  const message = value === "" || value === "null" || value === "(none)"
    ? "(no message)"
    : value.split("\n")[0];
  return `${name}: ${message}`;
}
