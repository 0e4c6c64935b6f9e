import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { writeFakeCifar10 } from "../lib/data/test_support.ts";
import { runEntryPoint } from "./test_support.ts";

function ablate(args: string[]) {
  return runEntryPoint("ablate.ts", args);
}

Deno.test("bad input is one line on stderr, exit 2, and nothing written", async () => {
  const root = await mkdtemp(path.join(tmpdir(), "ablate-bad-"));
  try {
    const results = path.join(root, "results");
    const notADir = path.join(root, "file");
    await writeFile(notADir, "");
    const cases: [string[], RegExp][] = [
      [
        ["--grid", "lr,nope"],
        /unknown grid "nope" \(valid: lr, dense, batch, resolution\)/,
      ],
      [["--profile", "huge"], /unknown profile "huge"/],
      [["--shard", "3/2"], /--shard 3\/2: K must be between 1 and N/],
      [["--jobs", "0"], /--jobs must be an integer >= 1, got "0"/],
      [["--seeds", "two"], /--seeds must be an integer >= 1/],
      [
        ["--profile", "smoke", "--results", path.join(notADir, "results")],
        /is not writable/,
      ],
    ];
    for (const [args, message] of cases) {
      const out = await ablate(["--results", results, ...args]);
      assert.equal(out.code, 2, `${args}: ${out.stderr}`);
      assert.match(out.stderr, message);
      assert.equal(out.stderr.trim().split("\n").length, 1, out.stderr);
      assert.equal(existsSync(results), false, `${args} wrote ${results}`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

Deno.test("--list prints the plan as JSON lines, and the shards of it partition it", async () => {
  const list = async (extra: string[]) => {
    const out = await ablate([
      "--profile",
      "smoke",
      "--list",
      "--results",
      "/nonexistent",
      ...extra,
    ]);
    assert.equal(out.code, 0, out.stderr);
    return out.stdout.trim().split("\n").map((line) => JSON.parse(line));
  };
  const all = await list([]);
  assert.equal(all.length, 8);
  assert.deepEqual(Object.keys(all[0]).slice(0, 6), [
    "grid",
    "profile",
    "knob",
    "value",
    "seedIndex",
    "hash",
  ]);
  assert.equal(all[0].state, "missing");
  assert.equal(all[0].dir, `runs/${all[0].grid}/${all[0].hash}`);
  const shards = [
    await list(["--shard", "1/3"]),
    await list(["--shard", "2/3"]),
    await list(["--shard", "3/3"]),
  ];
  assert.deepEqual(
    shards.flat().map((r) => r.hash).sort(),
    all.map((r) => r.hash).sort(),
  );
  assert.equal((await list(["--seeds", "2"])).length, 16);
});

Deno.test("a suite runs, skips finished runs when run again, and redoes killed and corrupt ones", async () => {
  const { root, dir: data, cleanup } = await writeFakeCifar10({ perFile: 100 });
  try {
    const results = path.join(root, "results");
    const args = [
      "--profile",
      "smoke",
      "--grid",
      "lr",
      "--jobs",
      "2",
      "--results",
      results,
      "--data",
      data,
    ];
    const first = await ablate(args);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /2 runs planned; 0 already done, 2 to run/);
    assert.match(
      first.stderr,
      /\[3\/3\] /,
      "two runs and the range test report a line each",
    );
    assert.match(first.stderr, /ETA/);
    const lrTable = await readFile(
      path.join(results, "tables", "ablation_lr.csv"),
      "utf8",
    );
    assert.equal(lrTable.trim().split("\n").length, 3);
    assert.match(lrTable.split("\n")[0], /,beyond_lr_find_min$/);
    const lrFind = JSON.parse(
      await readFile(path.join(results, "lr_find", "lr-smoke.json"), "utf8"),
    );
    assert.ok(lrFind.points.length > 0 && "steepest" in lrFind.suggestions);
    assert.ok(existsSync(path.join(results, "lr_find", "lr-smoke.csv")));

    const again = await ablate(args);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /2 already done, 0 to run/);

    const plan = (await ablate([...args, "--list"])).stdout.trim().split("\n")
      .map((l) => JSON.parse(l));
    const [corrupt, killed] = plan.map((run) => path.join(results, run.dir));
    const keptSummary = await readFile(
      path.join(corrupt, "summary.json"),
      "utf8",
    );
    await writeFile(
      path.join(corrupt, "summary.json"),
      keptSummary.slice(0, 40),
    );
    // A runner killed mid-run: no summary, and its lock left behind by a dead process.
    await rm(path.join(killed, "summary.json"));
    await writeFile(
      `${killed}.lock`,
      JSON.stringify({
        pid: 999_999_999,
        host: hostname(),
        startedAt: new Date().toISOString(),
        token: "dead",
      }),
    );
    const third = await ablate(args);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stderr, /corrupt: .*summary\.json: not JSON.*redoing/);
    assert.match(third.stderr, /0 already done, 2 to run/);
    for (const dir of [corrupt, killed]) {
      const summary = JSON.parse(
        await readFile(path.join(dir, "summary.json"), "utf8"),
      );
      assert.equal(summary.hash, path.basename(dir));
    }
    assert.equal(existsSync(`${killed}.lock`), false);
  } finally {
    await cleanup();
  }
});

Deno.test("with --memory-budget, a run predicted not to fit is recorded as oom without training", async () => {
  const { root, dir: data, cleanup } = await writeFakeCifar10({ perFile: 100 });
  try {
    const results = path.join(root, "results");
    const out = await ablate([
      "--profile",
      "smoke",
      "--grid",
      "resolution",
      "--memory-budget",
      "20MiB",
      "--no-lr-find",
      "--results",
      results,
      "--data",
      data,
    ]);
    assert.equal(out.code, 0, out.stderr);
    const rows = (await readFile(
      path.join(results, "tables", "ablation_runs.csv"),
      "utf8",
    ))
      .trim().split("\n").slice(1).map((line) => line.split(","));
    // 32x32 is predicted at ~13 MB and trains; 64x64 at ~44 MB does not fit in 20 MiB.
    const byInput = new Map(
      rows.map((r) => [r[3], { status: r[6], steps: r[10] }]),
    );
    assert.notEqual(byInput.get("32")?.status, "oom");
    assert.equal(byInput.get("32")?.steps, "20");
    assert.deepEqual(byInput.get("64"), { status: "oom", steps: "0" });
  } finally {
    await cleanup();
  }
});
