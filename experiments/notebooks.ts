/**
 * `deno task notebooks`: executes the notebooks headless on the Deno kernel and writes the
 * executed copies, outputs included, over the notebooks themselves — what Jupyter, GitHub and
 * `git diff` show — or into `--out DIR`. Exits 1 naming the notebook and the cell when a cell
 * fails or shows nothing.
 *
 *   deno task notebooks                               # all of notebooks/, their defaults, in place
 *   deno task notebooks 03_train --profile smoke --out /tmp/nb
 *
 * @module
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import process from "node:process";
import { parseBackendName } from "../lib/backend/select.ts";
import { projectRoot } from "../lib/data/project.ts";
import {
  assertRunnerAvailable,
  DEFAULT_PYTHON,
  executeNotebook,
} from "../lib/notebook/execute.ts";
import {
  cellSource,
  hasTag,
  readNotebook,
} from "../lib/notebook/notebook_file.ts";
import {
  declaredParameters,
  PARAMETERS_TAG,
  type ParameterValue,
  parseParameterFlag,
} from "../lib/notebook/parameters.ts";
import { PROFILE_NAMES } from "../lib/store/run_spec.ts";
import { parseCommandLineWithArguments, runCli } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/errors.ts";
import { formatDuration } from "../lib/util/format.ts";

const HELP =
  `Execute the notebooks headless and write them back with their outputs.

Usage: deno task notebooks [NOTEBOOK ...] [options]

Each notebook runs on the Deno kernel (this Deno) with its folder as working
directory; values given here replace the defaults of its "parameters" cell, in
a cell tagged "injected-parameters" (papermill's convention). The executed copy
is written even when a cell fails; the run then exits 1 naming the cell. A code
cell that shows no output fails the run too: every cell here shows something.

Arguments
  NOTEBOOK              a path, or a name in notebooks/ (01_data or 01_data.ipynb);
                        default: every notebooks/*.ipynb, in name order
Parameters (applied to the notebooks that declare them)
  --profile NAME        ${PROFILE_NAMES.join(" | ")}: the "profile" parameter
  --backend NAME        auto | tensorflow | webgpu | wasm | cpu: the "backend" parameter
  -p, --param NAME=VAL  any parameter, repeatable; VAL is JSON (500, true, null,
                        "text") or else plain text (-p profile=smoke)
Where
  --out DIR             write the executed copies into DIR instead of over the notebooks
  --list                print each notebook's parameters cell and run nothing
Runner
  --cell-timeout S      seconds one cell may run (default 900)
  --python PATH         a Python with nbclient (default $NOTEBOOK_PYTHON, else ${DEFAULT_PYTHON},
                        where Debian's python3-nbclient installs it)
  -h, --help            this text
`;

const OPTIONS = {
  profile: { type: "string" },
  backend: { type: "string" },
  param: { type: "string", short: "p", multiple: true },
  out: { type: "string" },
  list: { type: "boolean" },
  "cell-timeout": { type: "string" },
  python: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const NOTEBOOK_DIR = path.join(projectRoot(), "notebooks");
const RUNNER_SCRIPT = path.join(
  projectRoot(),
  "experiments",
  "run_notebooks.py",
);

await runCli(async () => {
  const parsed = parseCommandLineWithArguments(OPTIONS, HELP);
  if (!parsed) return;
  const { flags, positionals } = parsed;
  const files = positionals.length > 0
    ? positionals.map(resolveNotebook)
    : await allNotebooks();
  const notebooks = await Promise.all(
    files.map(async (file) => {
      const notebook = await readNotebook(file);
      return { file, notebook, declared: declaredParameters(notebook, file) };
    }),
  );
  if (flags.list) {
    for (const { file, notebook } of notebooks) {
      const cell = notebook.cells.find((c) => hasTag(c, PARAMETERS_TAG));
      const body = cell === undefined ? "(no parameters)" : cellSource(cell);
      process.stdout.write(
        `${path.relative(process.cwd(), file)}\n${indent(body)}\n`,
      );
    }
    return;
  }

  const parameters = parameterValues(flags);
  for (const name of Object.keys(parameters)) {
    if (!notebooks.some(({ declared }) => declared.includes(name))) {
      throw new ConfigError(
        `no notebook declares the parameter ${name} (see --list)`,
      );
    }
  }
  const cellTimeout = positiveNumber("cell-timeout", flags["cell-timeout"]) ??
    900;
  const python = flags.python ?? process.env.NOTEBOOK_PYTHON ?? DEFAULT_PYTHON;
  const outDir = flags.out === undefined ? undefined : path.resolve(flags.out);
  await assertRunnerAvailable(python);

  const failures: string[] = [];
  for (const { file, declared } of notebooks) {
    const name = path.basename(file);
    const output = outDir === undefined ? file : path.join(outDir, name);
    const applicable = Object.fromEntries(
      Object.entries(parameters).filter(([key]) => declared.includes(key)),
    );
    const given = Object.entries(applicable).map(([k, v]) =>
      `${k}=${JSON.stringify(v)}`
    );
    process.stderr.write(
      `${name}: running${
        given.length > 0 ? ` with ${given.join(", ")}` : ""
      }\n`,
    );
    const run = await executeNotebook({
      notebook: file,
      output,
      parameters: applicable,
      runnerScript: RUNNER_SCRIPT,
      python,
      cellTimeoutSeconds: cellTimeout,
    });
    const where = displayPath(output);
    if (run.ok) {
      process.stderr.write(
        `${name}: ok in ${formatDuration(run.seconds)} -> ${where}\n`,
      );
    } else {
      failures.push(`${name} ${run.failure}`);
      // The kernel's traceback says where the cell failed; without one, the runner's log
      // (nbclient, kernel start-up) is what there is.
      const detail = run.traceback ?? tail(run.log, 15);
      process.stderr.write(
        `${name}: FAILED: ${run.failure}\n${indent(detail)}\n` +
          `${name}: the executed copy, with its outputs so far, is in ${where}\n`,
      );
    }
  }
  if (failures.length > 0) {
    process.stderr.write(
      `error: ${failures.length} of ${notebooks.length} notebook${
        notebooks.length === 1 ? "" : "s"
      } failed:\n${failures.map((line) => `  ${line}`).join("\n")}\n`,
    );
    process.exitCode = 1;
  }
});

/** The values of --profile, --backend and -p, checked. */
function parameterValues(
  flags: { profile?: string; backend?: string; param?: string[] },
): Record<string, ParameterValue> {
  const values: Record<string, ParameterValue> = {};
  for (const flag of flags.param ?? []) {
    const [name, value] = parseParameterFlag(flag);
    values[name] = value;
  }
  if (flags.profile !== undefined) {
    if (!(PROFILE_NAMES as readonly string[]).includes(flags.profile)) {
      throw new ConfigError(
        `--profile must be one of ${
          PROFILE_NAMES.join(", ")
        }, got "${flags.profile}"`,
      );
    }
    values.profile = flags.profile;
  }
  if (flags.backend !== undefined) {
    values.backend = parseBackendName(flags.backend);
  }
  return values;
}

function resolveNotebook(argument: string): string {
  if (argument.includes("/") || argument.includes(path.sep)) {
    return path.resolve(argument);
  }
  const name = argument.endsWith(".ipynb") ? argument : `${argument}.ipynb`;
  return path.join(NOTEBOOK_DIR, name);
}

async function allNotebooks(): Promise<string[]> {
  const names = await readdir(NOTEBOOK_DIR).catch(() => [] as string[]);
  const files = names.filter((name) => name.endsWith(".ipynb")).sort();
  if (files.length === 0) {
    throw new ConfigError(`no notebooks in ${NOTEBOOK_DIR}`);
  }
  return files.map((name) => path.join(NOTEBOOK_DIR, name));
}

function positiveNumber(
  name: string,
  raw: string | undefined,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`--${name} must be a positive number, got "${raw}"`);
  }
  return value;
}

/** `file` relative to the working directory when it is below it, else absolute. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" || relative.startsWith("..") ||
      path.isAbsolute(relative)
    ? file
    : relative;
}

function indent(text: string): string {
  return text.split("\n").map((line) => `    ${line}`).join("\n");
}

function tail(text: string, lines: number): string {
  const kept = text.trim().split("\n").filter((line) => line.trim() !== "");
  return kept.slice(-lines).join("\n") || "(the runner logged nothing)";
}
