/**
 * Notebook parameters, papermill's convention carried over to TypeScript: the cell tagged
 * `parameters` declares each parameter with `let` and its default; a runner that is given other
 * values inserts a cell tagged `injected-parameters` right after it, which assigns them. The
 * notebook reads as it runs: defaults first, then what replaced them.
 *
 * @example
 * ```ts
 * import { declaredParameters, injectParameters } from "./parameters.ts";
 * // notebook: its parameters cell holds `let profile = "cpu";\nlet trainSubset = 2000;`
 * declaredParameters(notebook, "03_train.ipynb"); // ["profile", "trainSubset"]
 * const ready = injectParameters(notebook, { profile: "smoke" }, "03_train.ipynb");
 * // a new cell after the parameters cell: `profile = "smoke";`
 * ```
 * @module
 */
import { randomBytes } from "node:crypto";
import { ConfigError } from "../util/errors.ts";
import {
  cellSource,
  hasTag,
  type Notebook,
  type NotebookCell,
} from "./notebook_file.ts";

/**
 * The tag of the cell that declares the parameters and their defaults.
 *
 * @example
 * ```ts
 * import { hasTag } from "./notebook_file.ts";
 * import { PARAMETERS_TAG } from "./parameters.ts";
 * // notebook: a Notebook
 * const defaults = notebook.cells.find((cell) => hasTag(cell, PARAMETERS_TAG));
 * ```
 */
export const PARAMETERS_TAG = "parameters";
/**
 * The tag of the cell a runner inserts with the values it was given.
 *
 * @example
 * ```ts
 * import { hasTag } from "./notebook_file.ts";
 * import { INJECTED_PARAMETERS_TAG } from "./parameters.ts";
 * // executed: a Notebook a runner executed
 * const ranWithOverrides = executed.cells.some((cell) => hasTag(cell, INJECTED_PARAMETERS_TAG));
 * ```
 */
export const INJECTED_PARAMETERS_TAG = "injected-parameters";

/**
 * A parameter value: what JSON and TypeScript write the same way.
 *
 * @example
 * ```ts
 * import type { ParameterValue } from "./parameters.ts";
 * const values: Record<string, ParameterValue> = { profile: "smoke", trainSubset: 200, epochs: null };
 * ```
 */
export type ParameterValue = string | number | boolean | null;

/**
 * The names the `parameters` cell declares (`let name = ...` or `let name: Type = ...`, one per
 * line), in order; none when the notebook has no such cell. A `const` or `var` declaration there
 * is a {@linkcode ConfigError}: injected values must be able to replace it.
 *
 * @example
 * ```ts
 * import { declaredParameters } from "./parameters.ts";
 * const notebook = {
 *   cells: [{ cell_type: "code" as const, metadata: { tags: ["parameters"] },
 *     source: 'let backend = "auto";\nlet trainSubset: number | null = null;' }],
 *   metadata: {}, nbformat: 4, nbformat_minor: 5,
 * };
 * declaredParameters(notebook, "x.ipynb"); // ["backend", "trainSubset"]
 * ```
 */
export function declaredParameters(notebook: Notebook, file: string): string[] {
  const cell = parametersCell(notebook, file);
  if (cell === undefined) return [];
  const names: string[] = [];
  for (const line of cellSource(notebook.cells[cell]).split("\n")) {
    const match = /^\s*(let|const|var)\s+([A-Za-z_$][\w$]*)/.exec(line);
    if (match === null) continue;
    if (match[1] !== "let") {
      throw new ConfigError(
        `${file}: the parameters cell declares ${match[2]} with ${match[1]}; ` +
          "use let, so that injected values can replace the default",
      );
    }
    names.push(match[2]);
  }
  return names;
}

/**
 * A copy of `notebook` ready to run with `values`: cells a previous run injected are removed, and
 * when `values` is not empty a cell tagged `injected-parameters` that assigns them follows the
 * `parameters` cell. A name the notebook does not declare, or values for a notebook without a
 * parameters cell, is a {@linkcode ConfigError}.
 *
 * @example
 * ```ts
 * import { injectParameters } from "./parameters.ts";
 * const notebook = {
 *   cells: [{ cell_type: "code" as const, metadata: { tags: ["parameters"] }, source: "let n = 8;" }],
 *   metadata: {}, nbformat: 4, nbformat_minor: 5,
 * };
 * injectParameters(notebook, { n: 2 }, "x.ipynb").cells.length; // 2
 * ```
 */
export function injectParameters(
  notebook: Notebook,
  values: Readonly<Record<string, ParameterValue>>,
  file: string,
): Notebook {
  const cells = notebook.cells.filter((cell) =>
    !hasTag(cell, INJECTED_PARAMETERS_TAG)
  );
  const stripped = { ...notebook, cells };
  const names = Object.keys(values);
  if (names.length === 0) return stripped;
  const declared = declaredParameters(stripped, file);
  const at = parametersCell(stripped, file);
  if (at === undefined) {
    throw new ConfigError(
      `${file} has no cell tagged "${PARAMETERS_TAG}", so it takes no parameters (got ${
        names.join(", ")
      })`,
    );
  }
  const unknown = names.filter((name) => !declared.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `${file} has no parameter ${unknown.join(", ")}; it declares ${
        declared.join(", ") || "none"
      }`,
    );
  }
  const lines = names.map((name) =>
    `${name} = ${literal(name, values[name])};`
  );
  const injected: NotebookCell = {
    cell_type: "code",
    execution_count: null,
    id: randomBytes(4).toString("hex"),
    metadata: { tags: [INJECTED_PARAMETERS_TAG] },
    outputs: [],
    source: [
      "// Injected by deno task notebooks: these values replace the defaults above.\n",
      ...lines.map((line, i) => i < lines.length - 1 ? `${line}\n` : line),
    ],
  };
  return { ...stripped, cells: cells.toSpliced(at + 1, 0, injected) };
}

/**
 * Parses a `NAME=VALUE` command-line parameter. VALUE is read as JSON when it is a JSON number,
 * `true`, `false`, `null` or a quoted string, and taken as plain text otherwise
 * (`profile=smoke` gives "smoke").
 *
 * @example
 * ```ts
 * import { parseParameterFlag } from "./parameters.ts";
 * parseParameterFlag("trainSubset=500"); // ["trainSubset", 500]
 * parseParameterFlag("backend=wasm"); // ["backend", "wasm"]
 * ```
 */
export function parseParameterFlag(flag: string): [string, ParameterValue] {
  const match = /^([A-Za-z_$][\w$]*)=(.*)$/s.exec(flag);
  if (match === null) {
    throw new ConfigError(
      `parameter "${flag}" must look like NAME=VALUE (e.g. trainSubset=500)`,
    );
  }
  const [, name, raw] = match;
  try {
    const value: unknown = JSON.parse(raw);
    if (
      value === null || ["string", "number", "boolean"].includes(typeof value)
    ) {
      return [name, value as ParameterValue];
    }
  } catch {
    // Not JSON: the text itself.
  }
  return [name, raw];
}

function parametersCell(notebook: Notebook, file: string): number | undefined {
  const tagged = notebook.cells.flatMap((cell, index) =>
    hasTag(cell, PARAMETERS_TAG) ? [index] : []
  );
  if (tagged.length > 1) {
    throw new ConfigError(
      `${file}: ${tagged.length} cells are tagged "${PARAMETERS_TAG}"; keep one`,
    );
  }
  return tagged[0];
}

function literal(name: string, value: ParameterValue): string {
  const ok = value === null || typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value));
  if (!ok) {
    throw new ConfigError(
      `parameter ${name} must be a string, finite number, boolean or null, got ${
        String(value)
      }`,
    );
  }
  return JSON.stringify(value);
}
