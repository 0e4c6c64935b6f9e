import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runEntryPoint } from "./test_support.ts";

function runMemory(args: string[]) {
  return runEntryPoint("memory.ts", args);
}

Deno.test("deno task memory --skip-measure writes the frontier and the budget replay", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "memory-cli-"));
  try {
    const { code, stdout, stderr } = await runMemory([
      "--skip-measure",
      "--results",
      dir,
    ]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(stdout.trim().split("\n"), [
      path.join(dir, "tables", "memory_frontier.csv"),
      path.join(dir, "memory_oom.json"),
    ]);
    assert.match(
      stderr,
      /seed: 224px, dense 4096, batch 32 +12\.3 GiB +does not fit 4 GiB/,
    );
    assert.match(stderr, /dense 1024, batch 8 +3\.2 GiB +fits 4 GiB/);
    const [record] = JSON.parse(
      await readFile(path.join(dir, "memory_oom.json"), "utf8"),
    );
    assert.equal(record.status, "oom");
    assert.equal(record.spec.budgetBytes, 4 * 2 ** 30);
    assert.ok(record.predictedPeakBytes > record.spec.budgetBytes);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("bad flags are one-line errors and write nothing", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "memory-cli-"));
  try {
    for (
      const args of [["--timeout", "0"], ["--backend", "gpu"], ["extra"], [
        "--bogus",
      ]]
    ) {
      const { code, stderr } = await runMemory([...args, "--results", dir]);
      assert.equal(code, 2, args.join(" "));
      assert.match(stderr, /^error: .*\n$/, args.join(" "));
    }
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true });
  }
});
