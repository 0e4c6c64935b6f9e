import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError } from "../util/errors.ts";
import {
  readVegaLiteSpec,
  renderSvg,
  VEGA_LITE_MIME,
  VEGA_LITE_SCHEMA,
  vegaLiteBundle,
} from "./vega_bundle.ts";

const line = {
  title: "loss",
  data: { values: [{ step: 1, loss: 2.3 }, { step: 2, loss: 1.9 }] },
  mark: "line",
  encoding: {
    x: { field: "step", type: "quantitative" },
    y: { field: "loss", type: "quantitative" },
  },
};

Deno.test("vegaLiteBundle holds the spec with its schema and an SVG of the same chart", async () => {
  const bundle = await vegaLiteBundle(line);
  assert.deepEqual(Object.keys(bundle), [
    VEGA_LITE_MIME,
    "image/svg+xml",
    "text/plain",
  ]);
  assert.deepEqual(bundle[VEGA_LITE_MIME], {
    $schema: VEGA_LITE_SCHEMA,
    ...line,
  });
  const svg = bundle["image/svg+xml"] as string;
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, />loss</); // the title is drawn
  assert.equal(bundle["text/plain"], "loss");
});

Deno.test("a spec that does not compile is a one-line ConfigError naming the chart", async () => {
  await assert.rejects(
    renderSvg({ title: "broken", mark: "no-such-mark", data: { values: [] } }),
    (error: Error) =>
      error instanceof ConfigError &&
      /"broken" does not compile/.test(error.message),
  );
});

Deno.test("readVegaLiteSpec inlines relative CSV data with typed fields, keeps URLs", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "vl-"));
  try {
    await mkdir(path.join(dir, "plots"));
    await mkdir(path.join(dir, "tables"));
    await writeFile(
      path.join(dir, "tables", "lr.csv"),
      "lr,status,acc,ok\n0.1,stuck,,false\n0.01,ok,0.5,true\n",
    );
    const spec = {
      layer: [
        {
          data: { url: "../tables/lr.csv", format: { type: "csv" } },
          mark: "point",
        },
        { data: { url: "https://example.org/x.csv" }, mark: "rule" },
      ],
    };
    await writeFile(
      path.join(dir, "plots", "lr.vl.json"),
      JSON.stringify(spec),
    );
    const read = await readVegaLiteSpec(path.join(dir, "plots", "lr.vl.json"));
    assert.deepEqual(read.layer, [
      {
        data: {
          values: [
            { lr: 0.1, status: "stuck", acc: null, ok: false },
            { lr: 0.01, status: "ok", acc: 0.5, ok: true },
          ],
        },
        mark: "point",
      },
      { data: { url: "https://example.org/x.csv" }, mark: "rule" },
    ]);
    await writeFile(
      path.join(dir, "plots", "gone.vl.json"),
      JSON.stringify({ data: { url: "nope.csv" } }),
    );
    await assert.rejects(
      readVegaLiteSpec(path.join(dir, "plots", "gone.vl.json")),
      /nope\.csv: cannot read chart data \(ENOENT\)/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
