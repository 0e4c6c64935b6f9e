import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeFailureSummary } from "../record/run_writer.ts";
import { listStoredRuns, readRunState } from "./run_store.ts";

const HASH = "0123456789abcdef";

async function withRun(fn: (dir: string, root: string) => Promise<void>) {
  const root = await mkdtemp(path.join(tmpdir(), "run-store-"));
  const dir = path.join(root, "runs", "lr", HASH);
  await mkdir(dir, { recursive: true });
  try {
    await fn(dir, root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

Deno.test("a run without summary.json (killed mid-way) is missing, not done", async () => {
  await withRun(async (dir) => {
    await writeFile(path.join(dir, "config.json"), "{}");
    await writeFile(path.join(dir, "metrics.jsonl"), '{"type":"step"');
    assert.deepEqual(await readRunState(dir, HASH), { state: "missing" });
  });
});

Deno.test("a valid summary for this hash is done", async () => {
  await withRun(async (dir) => {
    await writeFailureSummary(dir, {
      status: "oom",
      statusReason: "too big",
      identity: { grid: "lr", hash: HASH },
    });
    const state = await readRunState(dir, HASH);
    assert.equal(state.state, "done");
    assert.equal(state.state === "done" && state.summary.status, "oom");
  });
});

Deno.test("corrupt summaries are reported with the reason, never trusted", async () => {
  await withRun(async (dir) => {
    const file = path.join(dir, "summary.json");
    const cases: [string, RegExp][] = [
      ['{"status": "ok", "steps"', /not JSON/],
      ["[]", /not an object/],
      ['{"status": "fine"}', /status "fine" is not one of/],
      ['{"status": "ok"}', /steps is missing/],
    ];
    for (const [text, problem] of cases) {
      await writeFile(file, text);
      const state = await readRunState(dir, HASH);
      assert.equal(state.state, "corrupt", text);
      assert.match(state.state === "corrupt" ? state.problem : "", problem);
    }
    await writeFailureSummary(dir, {
      status: "error",
      statusReason: "x",
      identity: { grid: "lr", hash: "ffffffffffffffff" },
    });
    const moved = await readRunState(dir, HASH);
    assert.match(
      moved.state === "corrupt" ? moved.problem : "",
      /not this directory's/,
    );
  });
});

Deno.test("the store lists run directories with their config and state", async () => {
  await withRun(async (dir, root) => {
    await writeFile(path.join(dir, "config.json"), '{"grid":"lr"}');
    await writeFile(path.join(root, "runs", "lr", `${HASH}.lock`), "{}");
    const runs = await listStoredRuns(root);
    assert.equal(runs.length, 1);
    assert.equal(runs[0].hash, HASH);
    assert.equal(runs[0].spec?.grid, "lr");
    assert.equal(runs[0].state.state, "missing");
  });
});
