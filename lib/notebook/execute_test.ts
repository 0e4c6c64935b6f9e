import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { projectRoot } from "../data/project.ts";
import { executeNotebook } from "./execute.ts";
import { cellSource, readNotebook } from "./notebook_file.ts";
import {
  runnerGate,
  type TestCell,
  writeTestNotebook,
} from "./test_support.ts";

const gate = runnerGate();
const runnerScript = path.join(
  projectRoot(),
  "experiments",
  "run_notebooks.py",
);

/** Runs a notebook of `cells` in a temporary folder and returns the run and the executed copy. */
async function run(cells: TestCell[], parameters = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), "execute-test-"));
  try {
    const notebook = await writeTestNotebook(dir, "t.ipynb", cells);
    const output = path.join(dir, "out", "t.ipynb");
    const result = await executeNotebook({
      notebook,
      output,
      parameters,
      runnerScript,
    });
    return { result, executed: await readNotebook(output) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

Deno.test({
  name:
    "executeNotebook injects parameters and keeps every cell's outputs in order",
  ignore: gate.ignore,
  fn: async () => {
    const { result, executed } = await run([
      { source: "let n = 2;", tags: ["parameters"] },
      {
        source: 'for (let i = 0; i < n; i++) console.log("line", i);\n"last";',
      },
      {
        source: [
          'await Deno.jupyter.display({ "text/plain": "v1" }, { raw: true, display_id: "d" });',
          'await Deno.jupyter.display({ "text/plain": "v2" }, { raw: true, display_id: "d", update: true });',
          'console.error("done");',
        ].join("\n"),
      },
    ], { n: 3 });
    assert.equal(result.failure, null);
    assert.ok(result.ok);
    assert.equal(
      cellSource(executed.cells[1]),
      "// Injected by deno task notebooks: these values replace the defaults above.\nn = 3;",
    );
    const texts = (index: number) =>
      (executed.cells[index].outputs ?? []).map((output) =>
        output.output_type === "stream"
          ? `${output.name}:${[output.text].flat().join("")}`
          : `${output.output_type}:${
            [output.data?.["text/plain"]].flat().join("")
          }`
      );
    assert.deepEqual(texts(2), [
      "stdout:line 0\n",
      "stdout:line 1\n",
      "stdout:line 2\n",
      'execute_result:"last"',
    ]);
    // The display was updated in place; the kernel ran with NO_COLOR (no ANSI codes).
    assert.deepEqual(texts(3), ["display_data:v2", "stderr:done\n"]);
  },
});

Deno.test({
  name:
    "executeNotebook: a failing cell fails the run, named, and the copy shows the error",
  ignore: gate.ignore,
  fn: async () => {
    const { result, executed } = await run([
      { source: 'console.log("before");' },
      { source: 'throw new Error("deliberate");' },
      { source: 'console.log("never");' },
    ]);
    assert.equal(result.ok, false);
    assert.equal(
      result.failure,
      'cell 2: throw new Error("deliberate");: failed: Error: deliberate',
    );
    assert.equal(executed.cells[1].outputs?.[0].output_type, "error");
    assert.deepEqual(executed.cells[2].outputs, []);
  },
});

Deno.test({
  name:
    "executeNotebook: errors without a message, exits and silent cells fail the run too",
  ignore: gate.ignore,
  fn: async () => {
    const cases: [TestCell[], string][] = [
      [
        [{ source: "throw undefined;" }],
        "cell 1: throw undefined;: failed: Error: (no message)",
      ],
      [[{ source: "const x = 1;" }], "cell 1: const x = 1;: showed no output"],
      [
        [{ source: '"ok";' }, { source: "Deno.exit(3);" }],
        "cell 2: Deno.exit(3);: the kernel died (a crash, or the cell exited the process)",
      ],
    ];
    for (const [cells, failure] of cases) {
      const { result } = await run(cells);
      assert.equal(result.failure, failure);
    }
  },
});
