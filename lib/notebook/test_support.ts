/**
 * Helpers for the notebook tests: tiny notebooks written to temporary folders, and the gate for
 * tests that execute notebooks (they need Debian's python3-nbclient at /usr/bin/python3).
 *
 * @example
 * ```ts
 * import { runnerGate, writeTestNotebook } from "./test_support.ts";
 * const gate = runnerGate();
 * const file = await writeTestNotebook("/tmp/x", "t.ipynb", [{ source: "1 + 1" }]);
 * ```
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import process from "node:process";
import { DEFAULT_PYTHON } from "./execute.ts";
import type { Notebook, NotebookCell } from "./notebook_file.ts";

/**
 * A cell of a test notebook: code unless `markdown`, with optional tags.
 *
 * @example
 * ```ts
 * import type { TestCell } from "./test_support.ts";
 * const cells: TestCell[] = [{ source: "let n = 1;", tags: ["parameters"] }, { source: "n" }];
 * ```
 */
export interface TestCell {
  source: string;
  tags?: string[];
  markdown?: boolean;
}

/**
 * A notebook of `cells` for the Deno kernel, as plain data.
 *
 * @example
 * ```ts
 * import { testNotebook } from "./test_support.ts";
 * testNotebook([{ source: "let n = 1;", tags: ["parameters"] }]).cells.length; // 1
 * ```
 */
export function testNotebook(cells: readonly TestCell[]): Notebook {
  return {
    cells: cells.map((cell, index): NotebookCell =>
      cell.markdown
        ? {
          cell_type: "markdown",
          id: `cell${index}`,
          metadata: {},
          source: cell.source,
        }
        : {
          cell_type: "code",
          id: `cell${index}`,
          metadata: cell.tags ? { tags: cell.tags } : {},
          source: cell.source,
          outputs: [],
          execution_count: null,
        }
    ),
    metadata: {
      kernelspec: {
        name: "deno",
        display_name: "Deno",
        language: "typescript",
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/**
 * Writes {@linkcode testNotebook}`(cells)` to `dir/name` and returns the file's path.
 *
 * @example
 * ```ts
 * import { writeTestNotebook } from "./test_support.ts";
 * const file = await writeTestNotebook("/tmp/nb", "fail.ipynb", [{ source: "throw new Error('x')" }]);
 * ```
 */
export async function writeTestNotebook(
  dir: string,
  name: string,
  cells: readonly TestCell[],
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(testNotebook(cells), null, 1));
  return file;
}

/**
 * Whether notebooks can be executed here: `ignore` is true (with the reason printed) when
 * /usr/bin/python3 cannot import nbclient, unless env `CI` is set — CI must run these tests.
 *
 * @example
 * ```ts
 * import { runnerGate } from "./test_support.ts";
 * Deno.test({ name: "runs a notebook", ignore: runnerGate().ignore, fn: async () => {} });
 * ```
 */
export function runnerGate(): { ignore: boolean; reason?: string } {
  const probe = spawnSync(DEFAULT_PYTHON, [
    "-c",
    "import nbclient, nbformat, jupyter_client",
  ]);
  if (probe.status === 0) return { ignore: false };
  const reason =
    `${DEFAULT_PYTHON} cannot import nbclient (apt-get install python3-nbclient)`;
  if (process.env.CI) return { ignore: false, reason };
  console.log(`skipping notebook execution tests: ${reason}`);
  return { ignore: true, reason };
}
