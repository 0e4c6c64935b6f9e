import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { readdir } from "node:fs/promises";
import { projectRoot } from "../lib/data/project.ts";
import { realDataGate } from "../lib/data/test_support.ts";
import { checkExecutedNotebook } from "../lib/notebook/check.ts";
import { hasTag, readNotebook } from "../lib/notebook/notebook_file.ts";
import { INJECTED_PARAMETERS_TAG } from "../lib/notebook/parameters.ts";
import { runnerGate, writeTestNotebook } from "../lib/notebook/test_support.ts";
import { runEntryPoint } from "./test_support.ts";

function cli(...args: string[]) {
  return runEntryPoint("notebooks.ts", args);
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(path.join(tmpdir(), "notebooks-cli-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

Deno.test("deno task notebooks --help prints the usage", async () => {
  const { code, stdout } = await cli("--help");
  assert.equal(code, 0);
  assert.match(stdout, /^Execute the notebooks headless/);
  assert.match(stdout, /--profile NAME/);
});

Deno.test("bad flags and unknown parameters are one-line errors, exit 2, nothing written", async () => {
  await withDir(async (dir) => {
    const notebook = await writeTestNotebook(dir, "p.ipynb", [
      { source: "let n = 1;", tags: ["parameters"] },
      { source: "n" },
    ]);
    const out = path.join(dir, "out");
    for (
      const [args, message] of [
        [
          ["--profile", "huge"],
          'error: --profile must be one of smoke, cpu, gpu, got "huge"\n',
        ],
        [
          ["-p", "epochs=2"],
          "error: no notebook declares the parameter epochs (see --list)\n",
        ],
        [
          ["-p", "n"],
          'error: parameter "n" must look like NAME=VALUE (e.g. trainSubset=500)\n',
        ],
        [
          ["--cell-timeout", "0"],
          'error: --cell-timeout must be a positive number, got "0"\n',
        ],
        [["--bogus"], null],
      ] as const
    ) {
      const { code, stderr } = await cli(notebook, "--out", out, ...args);
      assert.equal(code, 2, stderr);
      if (message === null) {
        assert.match(stderr, /^error: Unknown option '--bogus'/);
      } else assert.equal(stderr, message);
    }
    assert.equal(existsSync(out), false);
    const missing = await cli(path.join(dir, "none.ipynb"));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /none\.ipynb: no such notebook\n$/);
  });
});

Deno.test({
  name:
    "a deliberately failing cell fails deno task notebooks, naming the notebook and the cell",
  ignore: runnerGate().ignore,
  fn: async () => {
    await withDir(async (dir) => {
      const good = await writeTestNotebook(dir, "a_good.ipynb", [
        { source: "let n = 1;", tags: ["parameters"] },
        { source: "n * 2" },
      ]);
      const bad = await writeTestNotebook(dir, "b_bad.ipynb", [
        { source: 'console.log("fine");' },
        { source: 'throw new Error("deliberate failure");' },
      ]);
      const out = path.join(dir, "out");
      const { code, stderr } = await cli(good, bad, "--out", out, "-p", "n=21");
      assert.equal(code, 1, stderr);
      assert.match(
        stderr,
        /a_good\.ipynb: running with n=21\na_good\.ipynb: ok in /,
      );
      assert.match(
        stderr,
        /b_bad\.ipynb: FAILED: cell 2: throw new Error\("deliberate failure"\);: failed: Error: deliberate failure\n/,
      );
      assert.match(
        stderr,
        /error: 1 of 2 notebooks failed:\n {2}b_bad\.ipynb cell 2: throw new Error\("deliberate failure"\);: failed: Error: deliberate failure\n$/,
      );
      const executed = await readNotebook(path.join(out, "a_good.ipynb"));
      assert.deepEqual(executed.cells[2].outputs?.[0].data, {
        "text/plain": ["42"],
      });
      const failed = await readNotebook(path.join(out, "b_bad.ipynb"));
      assert.equal(failed.cells[1].outputs?.[0].output_type, "error");
    });
  },
});

const notebookDir = path.join(projectRoot(), "notebooks");

async function committedNotebooks(): Promise<string[]> {
  const names = (await readdir(notebookDir)).filter((name) =>
    name.endsWith(".ipynb")
  );
  return names.sort().map((name) => path.join(notebookDir, name));
}

Deno.test("the committed notebooks hold the outputs of one complete run with their defaults", async () => {
  const files = await committedNotebooks();
  assert.deepEqual(files.map((file) => path.basename(file)), [
    "01_data.ipynb",
    "02_model.ipynb",
    "03_train.ipynb",
    "04_findings.ipynb",
  ]);
  for (const file of files) {
    const notebook = await readNotebook(file);
    const name = path.basename(file);
    assert.deepEqual(
      checkExecutedNotebook(notebook),
      [],
      `${name}: run deno task notebooks`,
    );
    assert.ok(
      !notebook.cells.some((cell) => hasTag(cell, INJECTED_PARAMETERS_TAG)),
      `${name} ran with injected parameters`,
    );
    const counts = notebook.cells.filter((cell) => cell.cell_type === "code")
      .map((cell) => cell.execution_count);
    assert.deepEqual(
      counts,
      counts.map((_, i) => i + 1),
      `${name}: cells ran out of order or not at all`,
    );
  }
});

Deno.test({
  name: "every notebook runs green headless with small parameters",
  ignore: runnerGate().ignore || realDataGate().ignore,
  fn: async () => {
    await withDir(async (dir) => {
      const out = path.join(dir, "out");
      const { code, stderr } = await cli(
        "--out",
        out,
        "--profile",
        "smoke",
        "-p",
        `runDir=${path.join(dir, "run")}`,
        "-p",
        "imagesPerClass=2",
      );
      assert.equal(code, 0, stderr);
      for (const file of await committedNotebooks()) {
        const executed = await readNotebook(
          path.join(out, path.basename(file)),
        );
        assert.deepEqual(checkExecutedNotebook(executed), []);
      }
      assert.ok(existsSync(path.join(dir, "run", "model", "model.json")));
    });
  },
});
