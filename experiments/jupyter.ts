/**
 * `deno task jupyter`: installs the Deno kernelspec when Jupyter lacks it (`deno jupyter
 * --install`), then starts Jupyter — JupyterLab when installed, else the classic Notebook — with
 * the project folder as its root, opened at notebooks/. The root is the project, not notebooks/,
 * so that links from a notebook to `../results/...` (plots the report wrote) resolve.
 *
 *   deno task jupyter
 *   deno task jupyter -- --port 8890 --no-browser
 *
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import process from "node:process";
import { projectRoot } from "../lib/data/project.ts";
import { parseCommandLineWithArguments, runCli } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/errors.ts";

const HELP = `Start Jupyter on the notebooks, with the Deno kernel.

Usage: deno task jupyter [options] [-- JUPYTER_ARGS ...]

Installs the Deno kernelspec ("deno jupyter --install") when Jupyter has none
named "deno", then starts JupyterLab if it is installed, else the classic
Notebook, rooted at the project folder and opened at notebooks/. Notebook cells
import the library as "../lib/...": the kernel starts in the notebook's folder.

Options
  --classic     use the classic Notebook even when JupyterLab is installed
  --dry-run     say what would be installed and run, and do neither
  -h, --help    this text
Everything after "--" goes to Jupyter, e.g. -- --port 8890 --no-browser

Jupyter itself: apt-get install -y jupyter-notebook (Debian), or pip install jupyterlab.
`;

const OPTIONS = {
  classic: { type: "boolean" },
  "dry-run": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const KERNEL_NAME = "deno";
/** Silences debugpy's note about frozen modules, printed by every Jupyter command here. */
const QUIET_PYTHON = { PYDEVD_DISABLE_FILE_VALIDATION: "1" };

await runCli(async () => {
  const parsed = parseCommandLineWithArguments(OPTIONS, HELP);
  if (!parsed) return;
  const { flags, positionals } = parsed;
  const extra = process.argv.includes("--") ? positionals : [];
  if (positionals.length > extra.length) {
    throw new ConfigError(
      `unexpected argument "${
        positionals[0]
      }"; put Jupyter's own options after "--"`,
    );
  }

  const kernels = installedKernels();
  const install = [process.execPath, "jupyter", "--install"];
  if (kernels.includes(KERNEL_NAME)) {
    console.error(`kernelspec: "${KERNEL_NAME}" is installed`);
  } else if (flags["dry-run"]) {
    console.error(`kernelspec: would install with: ${install.join(" ")}`);
  } else {
    console.error(`kernelspec: installing with: ${install.join(" ")}`);
    const installed = spawnSync(install[0], install.slice(1), {
      stdio: "inherit",
    });
    if (installed.status !== 0) {
      throw new ConfigError(
        `"${install.join(" ")}" failed (exit ${installed.status})`,
      );
    }
  }

  const lab = !flags.classic && succeeds("jupyter", ["lab", "--version"]);
  const app = lab ? "lab" : "notebook";
  const defaultUrl = lab
    ? "--ServerApp.default_url=/lab/tree/notebooks"
    : "--NotebookApp.default_url=/tree/notebooks";
  const args = [app, `--notebook-dir=${projectRoot()}`, defaultUrl, ...extra];
  if (flags["dry-run"]) {
    console.log(`would run: jupyter ${args.join(" ")}`);
    return;
  }
  console.error(`running: jupyter ${args.join(" ")}`);
  const child = spawn("jupyter", args, {
    stdio: "inherit",
    cwd: projectRoot(),
    env: { ...process.env, ...QUIET_PYTHON },
  });
  // Ctrl-C reaches Jupyter too (same terminal); wait for it to shut down, then exit as it did.
  process.on("SIGINT", () => {});
  const code = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve(status ?? 1));
  });
  process.exitCode = code;
});

/** The kernelspec names Jupyter knows; a ConfigError when Jupyter is not installed. */
function installedKernels(): string[] {
  const listed = spawnSync("jupyter", ["kernelspec", "list", "--json"], {
    encoding: "utf8",
    env: { ...process.env, ...QUIET_PYTHON },
  });
  if (listed.error !== undefined || listed.status !== 0) {
    throw new ConfigError(
      'Jupyter is not installed (no working "jupyter" on PATH): ' +
        "apt-get install -y jupyter-notebook, or pip install jupyterlab",
    );
  }
  const specs = JSON.parse(listed.stdout) as {
    kernelspecs?: Record<string, unknown>;
  };
  return Object.keys(specs.kernelspecs ?? {});
}

function succeeds(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: "ignore" });
  return result.error === undefined && result.status === 0;
}
