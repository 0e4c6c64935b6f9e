import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  cellSource,
  describeCell,
  hasTag,
  parseNotebook,
  readNotebook,
} from "./notebook_file.ts";
import { testNotebook } from "./test_support.ts";

Deno.test("readNotebook reads nbformat 4 and names the file when it cannot", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "nb-"));
  try {
    const file = path.join(dir, "a.ipynb");
    await writeFile(file, JSON.stringify(testNotebook([{ source: "1" }])));
    assert.equal((await readNotebook(file)).cells.length, 1);
    await assert.rejects(
      readNotebook(path.join(dir, "none.ipynb")),
      /none\.ipynb: no such notebook/,
    );
    await writeFile(file, "{");
    await assert.rejects(readNotebook(file), /a\.ipynb: not JSON/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.throws(
    () => parseNotebook('{"nbformat": 3, "cells": []}', "old.ipynb"),
    /old\.ipynb: not an nbformat 4 notebook/,
  );
});

Deno.test("describeCell counts cells from 1 and shows the first non-blank line, shortened", () => {
  const notebook = testNotebook([
    { source: "# md", markdown: true },
    {
      source: [
        "\n",
        "  const result = await train(config, data, hooks); // a very long line\n",
        "x",
      ].join(""),
    },
  ]);
  assert.equal(describeCell(notebook, 0), "cell 1: # md");
  assert.equal(
    describeCell(notebook, 1),
    "cell 2: const result = await train(config, data, hooks); // a very…",
  );
  assert.equal(describeCell(notebook, 7), "cell 8");
  assert.equal(
    cellSource({ cell_type: "code", metadata: {}, source: ["a\n", "b"] }),
    "a\nb",
  );
  assert.ok(
    hasTag(
      testNotebook([{ source: "", tags: ["parameters"] }]).cells[0],
      "parameters",
    ),
  );
});
