/**
 * Runs a notebook headless on the Deno kernel and checks the result: parameters are injected
 * (lib/notebook/parameters.ts), Debian's nbclient executes the cells through a small Python
 * runner that waits out the Deno kernel's late IOPub messages (experiments/run_notebooks.py),
 * and the executed copy is checked for errors and cells that showed nothing
 * (lib/notebook/check.ts) before it is written, atomically, where it was asked to go.
 *
 * The kernel is the Deno that runs this code (`process.execPath`), declared in a kernelspec in a
 * temporary `JUPYTER_PATH`, so nothing needs installing in the user's Jupyter and the run cannot
 * pick up a different Deno. It starts in the notebook's own folder: relative imports
 * (`../lib/...`) and the project's deno.json resolve from there.
 *
 * @example
 * ```ts
 * import { executeNotebook } from "./execute.ts";
 * const run = await executeNotebook({
 *   notebook: "notebooks/01_data.ipynb",
 *   output: "notebooks/01_data.ipynb",
 *   parameters: { imagesPerClass: 4 },
 *   runnerScript: "experiments/run_notebooks.py",
 * });
 * if (!run.ok) console.error(run.failure);
 * ```
 * @module
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import { writeFileAtomic } from "../util/atomic.ts";
import { ConfigError, SuiteError } from "../util/errors.ts";
import {
  checkExecutedNotebook,
  describeError,
  type NotebookProblem,
} from "./check.ts";
import { describeCell, parseNotebook, readNotebook } from "./notebook_file.ts";
import { injectParameters, type ParameterValue } from "./parameters.ts";

/**
 * Where Debian's python3-nbclient is; the `python3` on PATH may be another Python without it.
 *
 * @example
 * ```ts
 * import { DEFAULT_PYTHON } from "./execute.ts";
 * DEFAULT_PYTHON; // "/usr/bin/python3"
 * ```
 */
export const DEFAULT_PYTHON = "/usr/bin/python3";

/**
 * The Debian packages the headless runner needs.
 *
 * @example
 * ```ts
 * import { RUNNER_PACKAGES } from "./execute.ts";
 * console.log(`apt-get install -y ${RUNNER_PACKAGES.join(" ")}`);
 * ```
 */
export const RUNNER_PACKAGES = [
  "python3-nbclient",
  "python3-nbformat",
  "jupyter-client",
];

/**
 * Options of {@linkcode executeNotebook}.
 *
 * @example
 * ```ts
 * import type { ExecuteNotebookOptions } from "./execute.ts";
 * const options: ExecuteNotebookOptions = {
 *   notebook: "notebooks/03_train.ipynb",
 *   output: "/tmp/03_train.ipynb",
 *   parameters: { profile: "smoke" },
 *   runnerScript: "experiments/run_notebooks.py",
 * };
 * ```
 */
export interface ExecuteNotebookOptions {
  /** The notebook to run. */
  notebook: string;
  /** Where the executed copy goes; may be `notebook` itself. Written even when a cell failed. */
  output: string;
  /** Values for parameters the notebook declares; default none (its defaults). */
  parameters?: Readonly<Record<string, ParameterValue>>;
  /** experiments/run_notebooks.py. */
  runnerScript: string;
  /** The Python with nbclient; default {@linkcode DEFAULT_PYTHON}. */
  python?: string;
  /** The Deno binary the kernel runs; default the running one (`process.execPath`). */
  deno?: string;
  /** Seconds a cell may run; default 900. */
  cellTimeoutSeconds?: number;
  /** Seconds of IOPub quiet after a cell's `idle` before its output counts as complete; 0.25. */
  quietSeconds?: number;
  /** Environment of the kernel; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * How a notebook run went.
 *
 * @example
 * ```ts
 * import { executeNotebook, type NotebookRun } from "./execute.ts";
 * const run: NotebookRun = await executeNotebook({
 *   notebook: "notebooks/01_data.ipynb",
 *   output: "/tmp/01_data.ipynb",
 *   runnerScript: "experiments/run_notebooks.py",
 * });
 * if (!run.ok) console.error(run.failure, run.traceback);
 * ```
 */
export interface NotebookRun {
  /** The notebook that ran. */
  notebook: string;
  /** Where its executed copy is. */
  output: string;
  /** Every cell ran without error and showed output. */
  ok: boolean;
  /** One line naming the first failed cell and why; null when ok. */
  failure: string | null;
  /** Everything wrong with the executed copy (errors, cells without output). */
  problems: NotebookProblem[];
  /** The traceback of the first cell that raised, as the kernel reported it; null when none. */
  traceback: string | null;
  /** Wall time of the execution, kernel start included. */
  seconds: number;
  /** The runner's stderr (nbclient and kernel logs), for diagnosing a failure. */
  log: string;
}

/** What run_notebooks.py prints. */
interface RunnerReport {
  status: "ok" | "cell_error" | "timeout" | "kernel_died" | "kernel_failed";
  cell: number | null;
  ename: string | null;
  evalue: string | null;
  seconds: number;
}

/**
 * Executes `options.notebook` and writes the executed copy to `options.output`. A failing cell
 * does not throw: the result says which cell failed and why. Throws a {@linkcode ConfigError}
 * for a bad notebook or parameters (before anything runs), and a {@linkcode SuiteError} when the
 * runner itself breaks.
 *
 * @example
 * ```ts
 * import { executeNotebook } from "./execute.ts";
 * const run = await executeNotebook({
 *   notebook: "notebooks/02_model.ipynb",
 *   output: "/tmp/02_model.ipynb",
 *   runnerScript: "experiments/run_notebooks.py",
 * });
 * console.log(run.ok, run.seconds);
 * ```
 */
export async function executeNotebook(
  options: ExecuteNotebookOptions,
): Promise<NotebookRun> {
  const source = await readNotebook(options.notebook);
  const prepared = injectParameters(
    source,
    options.parameters ?? {},
    options.notebook,
  );
  const work = await mkdtemp(path.join(tmpdir(), "notebook-run-"));
  try {
    const input = path.join(work, "input.ipynb");
    const executed = path.join(work, "executed.ipynb");
    await writeFile(input, JSON.stringify(prepared, null, 1) + "\n");
    const jupyterPath = await writePrivateKernelspec(
      work,
      options.deno ?? process.execPath,
    );
    const env = options.env ?? process.env;
    const child = await runProcess(
      options.python ?? DEFAULT_PYTHON,
      [
        options.runnerScript,
        input,
        executed,
        "--cwd",
        path.dirname(path.resolve(options.notebook)),
        "--kernel",
        KERNEL_NAME,
        "--timeout",
        String(options.cellTimeoutSeconds ?? 900),
        "--quiet",
        String(options.quietSeconds ?? 0.25),
      ],
      {
        ...env,
        JUPYTER_PATH: [jupyterPath, env.JUPYTER_PATH].filter(Boolean).join(
          path.delimiter,
        ),
        JUPYTER_RUNTIME_DIR: path.join(work, "runtime"),
        // debugpy's note about frozen modules is noise in every run.
        PYDEVD_DISABLE_FILE_VALIDATION: "1",
      },
    );
    const report = parseReport(child.stdout);
    if (report === undefined) {
      throw new SuiteError(
        `${options.notebook}: the notebook runner failed (exit ${child.code}): ${
          lastLines(child.stderr, 3)
        }`,
      );
    }
    const text = await readFile(executed, "utf8");
    const notebook = parseNotebook(text, executed);
    await writeFileAtomic(options.output, text);
    const problems = checkExecutedNotebook(notebook);
    const failure = report.status === "ok"
      ? problems[0]?.message ?? null
      : describeFailure(report, notebook, options);
    const error = notebook.cells.flatMap((cell) => cell.outputs ?? [])
      .find((output) => output.output_type === "error");
    return {
      notebook: options.notebook,
      output: options.output,
      ok: failure === null,
      failure,
      problems,
      traceback: error?.traceback?.join("\n") ?? null,
      seconds: report.seconds,
      log: child.stderr,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Throws a {@linkcode ConfigError} saying what to install unless `python` can import nbclient,
 * nbformat and jupyter_client.
 *
 * @example
 * ```ts
 * import { assertRunnerAvailable } from "./execute.ts";
 * await assertRunnerAvailable("/usr/bin/python3");
 * ```
 */
export async function assertRunnerAvailable(python: string): Promise<void> {
  let result: { code: number | null; stderr: string };
  try {
    result = await runProcess(
      python,
      ["-c", "import nbclient, nbformat, jupyter_client"],
      process.env,
    );
  } catch (error) {
    throw new ConfigError(
      `cannot run ${python} (${
        (error as Error).message
      }); install Python 3 with ${
        RUNNER_PACKAGES.join(" ")
      } (apt-get install -y ${RUNNER_PACKAGES.join(" ")})`,
    );
  }
  if (result.code !== 0) {
    throw new ConfigError(
      `${python} cannot import nbclient: ${lastLines(result.stderr, 1)}; ` +
        `apt-get install -y ${
          RUNNER_PACKAGES.join(" ")
        }, or point --python at a Python that has nbclient`,
    );
  }
}

const KERNEL_NAME = "deno";

/** A kernelspec for `deno` in a fresh folder; returns the folder to put on JUPYTER_PATH. */
async function writePrivateKernelspec(
  work: string,
  deno: string,
): Promise<string> {
  const root = path.join(work, "jupyter");
  const dir = path.join(root, "kernels", KERNEL_NAME);
  await mkdir(dir, { recursive: true });
  const spec = {
    argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno",
    language: "typescript",
    // Plain text results: no ANSI colour codes in the stored outputs.
    env: { NO_COLOR: "1" },
  };
  await writeFile(path.join(dir, "kernel.json"), JSON.stringify(spec, null, 2));
  return root;
}

function describeFailure(
  report: RunnerReport,
  notebook: ReturnType<typeof parseNotebook>,
  options: ExecuteNotebookOptions,
): string {
  const cell = report.cell === null
    ? "before the first cell"
    : describeCell(notebook, report.cell);
  switch (report.status) {
    case "cell_error":
      return `${cell}: failed: ${
        describeError({
          ename: report.ename ?? "",
          evalue: report.evalue ?? "",
        })
      }`;
    case "timeout":
      return `${cell}: timed out after ${options.cellTimeoutSeconds ?? 900} s`;
    case "kernel_died":
      return `${cell}: the kernel died (a crash, or the cell exited the process)`;
    default:
      return `the Deno kernel failed ${cell}: ${report.ename ?? ""} ${
        report.evalue ?? ""
      }`
        .trim();
  }
}

function parseReport(stdout: string): RunnerReport | undefined {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  try {
    const report = JSON.parse(line) as RunnerReport;
    return typeof report.status === "string" ? report : undefined;
  } catch {
    return undefined;
  }
}

function lastLines(text: string, count: number): string {
  const lines = text.trim().split("\n").filter((line) => line.trim() !== "");
  return lines.slice(-count).join(" | ") || "(no message)";
}

function runProcess(
  command: string,
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: env as Record<string, string>,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
