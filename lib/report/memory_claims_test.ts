import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { resolveClaimRules } from "./claim.ts";
import { producingCommands } from "./commands.ts";
import { checkMemory } from "./memory_claims.ts";
import { loadMemoryResults } from "./memory_results.ts";
import { writeSyntheticMemory } from "./test_support.ts";

const rules = resolveClaimRules();
const commands = producingCommands("cpu");

async function withResults(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "report-memory-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

Deno.test("F1: the seed setting over 4 GiB, validated, and each knob saving memory are reproduced", async () => {
  await withResults(async (dir) => {
    await writeSyntheticMemory(dir);
    const memory = await loadMemoryResults(dir);
    assert.deepEqual(memory.problems, []);
    const check = checkMemory(memory, [], rules, commands);
    const [f1a, f1b] = check.claims;
    assert.equal(f1a.verdict, "reproduced", f1a.statement);
    assert.match(
      f1a.statement,
      /really ran out of memory: vgg16 ×1 at 224×224, dense 4096, batch 1, isolation child process on wasm failed allocating 0\.38 GiB; the memory model puts the seed's batch 64 at 11\.\d\d GiB/,
    );
    assert.equal(f1b.verdict, "reproduced", f1b.statement);
    assert.match(f1b.statement, /Lowered alone, input is enough to fit 4 GiB/);
    assert.deepEqual(
      check.savings.map((s) => [s.knob, s.value]),
      [["dense", 512], ["batch", 16], ["input", 64], ["input", 32]],
    );
    assert.equal(check.gentlestFit?.input, 64);
  });
});

Deno.test("F1a: without a real OOM, a validated prediction over 4 GiB decides", async () => {
  await withResults(async (dir) => {
    await writeSyntheticMemory(dir, { realOom: false });
    const [f1a] = checkMemory(await loadMemoryResults(dir), [], rules, commands)
      .claims;
    assert.equal(f1a.verdict, "reproduced", f1a.statement);
    assert.match(
      f1a.statement,
      /predicts 11\.\d\d GiB .* over the 4 GiB of a GTX 1050 Ti; the model is within 10% \(median\) of 3 measured peaks/,
    );
    assert.ok(
      f1a.evidence.some((e) =>
        e.startsWith("budget replay (a prediction, not a run)")
      ),
    );
  });
});

Deno.test("F1: no frontier is not enough runs and names deno task memory", async () => {
  await withResults(async (dir) => {
    const check = checkMemory(
      await loadMemoryResults(dir),
      [],
      rules,
      commands,
    );
    for (const claim of check.claims) {
      assert.equal(claim.verdict, "not_enough_runs");
      assert.equal(claim.next, "deno task memory");
    }
  });
});

Deno.test("F1a: an unvalidated prediction, even replayed against a budget, is not enough; a corrupt table is a problem line", async () => {
  await withResults(async (dir) => {
    await writeSyntheticMemory(dir, { realOom: false });
    await writeFile(
      path.join(dir, "tables", "memory_agreement.csv"),
      "variant,width\nvgg16\n",
    );
    const memory = await loadMemoryResults(dir);
    assert.equal(memory.problems.length, 1);
    assert.match(
      memory.problems[0],
      /memory_agreement\.csv: row 2 has 1 fields/,
    );
    const [f1a] = checkMemory(memory, [], rules, commands).claims;
    assert.equal(f1a.verdict, "not_enough_runs");
    assert.match(
      f1a.statement,
      /not validated: no measured peaks to compare with, and no real run of the seed's network ran out of memory/,
    );
  });
});
