import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeFakeCifar10 } from "../data/test_support.ts";
import { writeReport } from "./report.ts";
import {
  writeSyntheticLrGrid,
  writeSyntheticMemory,
  writeSyntheticRun,
} from "./test_support.ts";

async function withResults(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "report-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

Deno.test("with no results the report says so, names the commands, and every claim is ?", async () => {
  await withResults(async (dir) => {
    const report = await writeReport({ resultsDir: dir, dataDir: null });
    const readme = await readFile(report.readmePath, "utf8");
    assert.match(
      readme,
      /\*\*No results yet\.\*\* Run `deno task ablate --profile cpu`/,
    );
    assert.match(readme, /`deno task memory`/);
    assert.match(readme, /`deno task lr-find`/);
    assert.ok(report.claims.length >= 7);
    assert.ok(report.claims.every((c) => c.verdict === "not_enough_runs"));
    assert.ok(report.claims.every((c) => c.next !== undefined));
    assert.ok(existsSync(path.join(dir, "tables", "claims.csv")));
  });
});

Deno.test("a synthetic cpu run set yields F3 ✓ with plots, tables and provenance; a corrupt summary is skipped", async () => {
  await withResults(async (dir) => {
    await writeSyntheticLrGrid(dir, { stuck: true, seeds: 2 });
    await writeSyntheticMemory(dir);
    await writeSyntheticLrGrid(dir, {
      stuck: false,
      seeds: 1,
      profile: "smoke",
    });
    const corrupt = await writeSyntheticRun(dir, {
      grid: "dense",
      knob: "denseWidth",
      value: 64,
      seedIndex: 0,
      status: "ok",
    });
    await writeFile(path.join(corrupt, "summary.json"), '{"status": "ok", ');
    const unfinished = path.join(dir, "runs", "dense", "0123456789abcdef");
    await mkdir(unfinished, { recursive: true });
    await mkdir(path.join(dir, "plots"), { recursive: true });
    await writeFile(path.join(dir, "plots", "old_plot.svg"), "<svg/>");

    const report = await writeReport({ resultsDir: dir, dataDir: null });
    const byId = Object.fromEntries(report.claims.map((c) => [c.id, c]));
    assert.equal(byId.F3.verdict, "reproduced");
    assert.equal(byId.F1a.verdict, "reproduced");
    assert.equal(byId.F2.verdict, "not_enough_runs");

    const readme = await readFile(report.readmePath, "utf8");
    assert.match(readme, /\| ✓ reproduced \| \[F3\]\(#f3\)/);
    assert.match(readme, /Profile \*\*cpu\*\*: 8 finished runs/);
    assert.match(readme, /4 smoke runs \(`deno task report --profile smoke`\)/);
    assert.match(readme, /!\[[^\]]+\]\(plots\/lr_loss_curves\.svg\)/);
    assert.match(readme, /\[CSV\]\(tables\/memory_agreement\.csv\)/);
    assert.match(readme, /dataset SHA-256 \| (ab){32} \(8 runs\)/);
    const relativeCorrupt = path.relative(dir, corrupt);
    assert.match(
      readme,
      new RegExp(`\\| ${relativeCorrupt} \\| corrupt summary: .*not JSON`),
    );
    assert.match(
      readme,
      /0123456789abcdef \| no summary\.json: the run did not finish/,
    );
    assert.deepEqual(
      report.skipped.map((s) => path.basename(s.dir)).sort(),
      [path.basename(corrupt), "0123456789abcdef"].sort(),
    );

    for (
      const name of [
        "lr_loss_curves",
        "lr_final",
        "memory_frontier",
        "memory_agreement",
      ]
    ) {
      const spec = JSON.parse(
        await readFile(path.join(dir, "plots", `${name}.vl.json`), "utf8"),
      );
      assert.equal(
        spec.$schema,
        "https://vega.github.io/schema/vega-lite/v5.json",
      );
      const svg = await readFile(
        path.join(dir, "plots", `${name}.svg`),
        "utf8",
      );
      assert.match(svg, /^<svg/);
    }
    assert.ok(!existsSync(path.join(dir, "plots", "old_plot.svg")));
    const lrTable = await readFile(
      path.join(dir, "tables", "lr_grid.csv"),
      "utf8",
    );
    assert.match(
      lrTable,
      /^lr,runs,statuses,last_window_loss,test_accuracy_mean,steps\n0\.001,2,2 ok,/,
    );
    const memoryFrontier = await readFile(
      path.join(dir, "tables", "memory_frontier.csv"),
      "utf8",
    );
    assert.match(
      memoryFrontier,
      /^variant,/,
      "another command's table is left alone",
    );
  });
});

Deno.test("an lr grid without a stuck run does not reproduce F3 in the report", async () => {
  await withResults(async (dir) => {
    await writeSyntheticLrGrid(dir, { stuck: false, seeds: 2 });
    const report = await writeReport({ resultsDir: dir, dataDir: null });
    const f3 = report.claims.find((c) => c.id === "F3");
    assert.equal(f3?.verdict, "not_reproduced");
    const readme = await readFile(report.readmePath, "utf8");
    assert.match(readme, /\| ✗ not reproduced \| \[F3\]\(#f3\)/);
  });
});

Deno.test("a grid with runs still in progress gets ? until they finish", async () => {
  await withResults(async (dir) => {
    await writeSyntheticLrGrid(dir, { stuck: true, seeds: 1 });
    const running = path.join(dir, "runs", "lr", "00000000000000aa");
    await mkdir(running, { recursive: true });
    await writeFile(`${running}.lock`, "{}");
    const report = await writeReport({ resultsDir: dir, dataDir: null });
    const f3 = report.claims.find((c) => c.id === "F3");
    assert.equal(f3?.verdict, "not_enough_runs");
    assert.match(
      f3?.statement ?? "",
      /waits for 1 run of the lr grid still in progress\.$/,
    );
  });
});

Deno.test("the upsampling grid is written as SVG and PNG when CIFAR-10 is readable", async () => {
  const cifar = await writeFakeCifar10({ perFile: 12 });
  try {
    await withResults(async (dir) => {
      const report = await writeReport({ resultsDir: dir, dataDir: cifar.dir });
      const png = await readFile(
        path.join(dir, "plots", "upsampling_grid.png"),
      );
      assert.deepEqual([...png.subarray(1, 4)], [80, 78, 71]);
      const readme = await readFile(report.readmePath, "utf8");
      assert.match(readme, /!\[[^\]]+\]\(plots\/upsampling_grid\.png\)/);
      assert.match(readme, /neighbouring pixels differ [\d.]+× less/);
    });
  } finally {
    await cifar.cleanup();
  }
});
