import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { projectRoot } from "../lib/data/project.ts";
import { runEntryPoint } from "./test_support.ts";

const jupyterInstalled =
  spawnSync("jupyter", ["--version"], { stdio: "ignore" }).status === 0;

function cli(...args: string[]) {
  return runEntryPoint("jupyter.ts", args);
}

Deno.test("deno task jupyter --help and a stray argument", async () => {
  const help = await cli("--help");
  assert.equal(help.code, 0);
  assert.match(
    help.stdout,
    /^Start Jupyter on the notebooks, with the Deno kernel\./,
  );
  const stray = await cli("notebooks");
  assert.equal(stray.code, 2);
  assert.equal(
    stray.stderr,
    'error: unexpected argument "notebooks"; put Jupyter\'s own options after "--"\n',
  );
});

Deno.test({
  name:
    "deno task jupyter --dry-run roots Jupyter at the project and opens notebooks/",
  ignore: !jupyterInstalled,
  fn: async () => {
    const { code, stdout, stderr } = await cli(
      "--dry-run",
      "--classic",
      "--",
      "--no-browser",
    );
    assert.equal(code, 0, stderr);
    assert.match(
      stderr,
      /^kernelspec: ("deno" is installed|would install with: .* jupyter --install)\n$/,
    );
    assert.equal(
      stdout,
      `would run: jupyter notebook --notebook-dir=${projectRoot()} --NotebookApp.default_url=/tree/notebooks --no-browser\n`,
    );
  },
});
