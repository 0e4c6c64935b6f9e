import assert from "node:assert/strict";
import { checkExecutedNotebook, describeError } from "./check.ts";
import { testNotebook } from "./test_support.ts";

Deno.test("checkExecutedNotebook names failed, silent and unrun cells; parameter cells may be silent", () => {
  const notebook = testNotebook([
    { source: "# md", markdown: true },
    { source: "let n = 1;", tags: ["parameters"] },
    { source: "n = 2;", tags: ["injected-parameters"] },
    { source: "console.log(n);" },
    { source: "\n\nthrow new Error('boom');\nmore();" },
    { source: "const x = 1;" },
    { source: "x" },
    { source: "   " },
  ]);
  const stream = {
    output_type: "stream" as const,
    name: "stdout",
    text: "2\n",
  };
  notebook.cells[3].outputs = [stream];
  notebook.cells[3].execution_count = 1;
  notebook.cells[4].outputs = [{
    output_type: "error",
    ename: "Error",
    evalue: "boom",
    traceback: [],
  }];
  notebook.cells[4].execution_count = 2;
  notebook.cells[5].execution_count = 3;
  assert.deepEqual(checkExecutedNotebook(notebook), [
    {
      cell: 4,
      kind: "error",
      message: "cell 5: throw new Error('boom');: failed: Error: boom",
    },
    {
      cell: 5,
      kind: "no-output",
      message: "cell 6: const x = 1;: showed no output",
    },
    { cell: 6, kind: "not-run", message: "cell 7: x: was not run" },
  ]);
});

Deno.test("describeError: an error without a message still reads as an error", () => {
  assert.equal(
    describeError({
      ename: "TypeError",
      evalue: "x is not a function\n  at y",
    }),
    "TypeError: x is not a function",
  );
  for (const evalue of ["", "null", "(none)", undefined]) {
    assert.equal(
      describeError({ ename: "Error", evalue }),
      "Error: (no message)",
    );
  }
  assert.equal(describeError({}), "error: (no message)");
});
