import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  listResults,
  parseTypedCsv,
  readTable,
  rebaseMarkdownLinks,
} from "./results_files.ts";

Deno.test("listResults finds the report's files and treats a missing folder as empty", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "results-"));
  try {
    assert.deepEqual(await listResults(path.join(dir, "none")), {
      dir: path.join(dir, "none"),
      readme: null,
      tables: [],
      plots: [],
    });
    await mkdir(path.join(dir, "tables"));
    await mkdir(path.join(dir, "plots"));
    for (
      const file of [
        "README.md",
        "tables/b.csv",
        "tables/a.csv",
        "tables/x.txt",
        "plots/lr.vl.json",
        "plots/lr.svg",
      ]
    ) {
      await writeFile(path.join(dir, file), "a\n1\n");
    }
    const found = await listResults(dir);
    assert.equal(found.readme, path.join(dir, "README.md"));
    assert.deepEqual(found.tables, [
      path.join(dir, "tables/a.csv"),
      path.join(dir, "tables/b.csv"),
    ]);
    assert.deepEqual(found.plots, [path.join(dir, "plots/lr.vl.json")]);
    assert.deepEqual(await readTable(found.tables[0]), [{ a: 1 }]);
    await writeFile(path.join(dir, "tables/bad.csv"), "a,b\n1\n");
    await assert.rejects(
      readTable(path.join(dir, "tables/bad.csv")),
      /bad\.csv: /,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("parseTypedCsv types numbers, booleans and empty fields", () => {
  assert.deepEqual(parseTypedCsv("a,b,c,d\n1e-3,true,,vgg16\n"), [{
    a: 0.001,
    b: true,
    c: null,
    d: "vgg16",
  }]);
});

Deno.test("rebaseMarkdownLinks points relative links at the same files from another folder", () => {
  const markdown =
    "![lr](plots/lr.svg) see [table](tables/a.csv), [web](https://x.org/a) [top](#f1) [abs](/etc/x)";
  assert.equal(
    rebaseMarkdownLinks(markdown, "/repo/results", "/repo/notebooks"),
    "![lr](../results/plots/lr.svg) see [table](../results/tables/a.csv), [web](https://x.org/a) [top](#f1) [abs](/etc/x)",
  );
});
