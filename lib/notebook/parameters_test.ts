import assert from "node:assert/strict";
import { cellSource } from "./notebook_file.ts";
import {
  declaredParameters,
  INJECTED_PARAMETERS_TAG,
  injectParameters,
  parseParameterFlag,
} from "./parameters.ts";
import { testNotebook } from "./test_support.ts";

const notebook = testNotebook([
  { source: "# title", markdown: true },
  {
    source: [
      "// defaults",
      'let profile = "cpu"; // smoke | cpu | gpu',
      "let trainSubset: number | null = null;",
      "  let runDir =",
      '    "../results/runs/x";',
    ].join("\n"),
    tags: ["parameters"],
  },
  { source: "console.log(profile);" },
]);

Deno.test("declaredParameters reads the let declarations of the parameters cell", () => {
  assert.deepEqual(declaredParameters(notebook, "t.ipynb"), [
    "profile",
    "trainSubset",
    "runDir",
  ]);
  assert.deepEqual(
    declaredParameters(testNotebook([{ source: "1" }]), "t.ipynb"),
    [],
  );
  assert.throws(
    () =>
      declaredParameters(
        testNotebook([{ source: "const n = 1;", tags: ["parameters"] }]),
        "t.ipynb",
      ),
    /t\.ipynb: the parameters cell declares n with const; use let/,
  );
});

Deno.test("injectParameters adds one assigning cell right after the parameters cell", () => {
  const injected = injectParameters(notebook, {
    profile: "smoke",
    trainSubset: 200,
  }, "t.ipynb");
  assert.equal(injected.cells.length, 4);
  const cell = injected.cells[2];
  assert.deepEqual(cell.metadata.tags, [INJECTED_PARAMETERS_TAG]);
  assert.equal(
    cellSource(cell),
    '// Injected by deno task notebooks: these values replace the defaults above.\nprofile = "smoke";\ntrainSubset = 200;',
  );
  assert.equal(notebook.cells.length, 3, "the input is not modified");
  // Running again replaces the earlier injection; no values removes it.
  const again = injectParameters(injected, { trainSubset: null }, "t.ipynb");
  assert.equal(again.cells.length, 4);
  assert.match(cellSource(again.cells[2]), /\ntrainSubset = null;$/);
  assert.equal(injectParameters(injected, {}, "t.ipynb").cells.length, 3);
});

Deno.test("injectParameters refuses names the notebook does not declare", () => {
  assert.throws(
    () => injectParameters(notebook, { epochs: 2 }, "t.ipynb"),
    /t\.ipynb has no parameter epochs; it declares profile, trainSubset, runDir/,
  );
  assert.throws(
    () =>
      injectParameters(
        testNotebook([{ source: "1" }]),
        { epochs: 2 },
        "u.ipynb",
      ),
    /u\.ipynb has no cell tagged "parameters"/,
  );
  assert.throws(
    () => injectParameters(notebook, { trainSubset: Infinity }, "t.ipynb"),
    /trainSubset must be a string, finite number, boolean or null/,
  );
});

Deno.test("parseParameterFlag reads JSON values and takes anything else as text", () => {
  assert.deepEqual(
    [
      "n=500",
      "x=-1e-3",
      "b=true",
      "v=null",
      's="quoted"',
      "profile=smoke",
      "e=",
      "j=[1]",
      "url=a=b",
    ]
      .map(parseParameterFlag),
    [
      ["n", 500],
      ["x", -0.001],
      ["b", true],
      ["v", null],
      ["s", "quoted"],
      ["profile", "smoke"],
      ["e", ""],
      ["j", "[1]"],
      ["url", "a=b"],
    ],
  );
  assert.throws(() => parseParameterFlag("500"), /must look like NAME=VALUE/);
});
