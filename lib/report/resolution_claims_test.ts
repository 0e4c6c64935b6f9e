import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadAblationRuns } from "./ablation_runs.ts";
import { resolveClaimRules } from "./claim.ts";
import { producingCommands } from "./commands.ts";
import { checkResolution } from "./resolution_claims.ts";
import { writeSyntheticRun } from "./test_support.ts";

async function resolutionGrid(
  accuracyAt: (input: number) => number,
): Promise<ReturnType<typeof checkResolution>> {
  const dir = await mkdtemp(path.join(tmpdir(), "report-resolution-"));
  try {
    for (const input of [32, 64, 128]) {
      for (const seedIndex of [0, 1]) {
        await writeSyntheticRun(dir, {
          grid: "resolution",
          knob: "inputSize",
          value: input,
          seedIndex,
          status: "ok",
          testAccuracy: accuracyAt(input) + 0.005 * seedIndex,
          trainSeconds: 2 * (input / 32) ** 2,
          memory: { predictedPeakBytes: 1e8 * (input / 32) ** 2 },
        });
      }
    }
    await writeSyntheticRun(dir, {
      grid: "resolution",
      knob: "inputSize",
      value: 224,
      seedIndex: 0,
      status: "oom",
    });
    const { runs } = await loadAblationRuns(dir);
    return checkResolution(
      runs,
      resolveClaimRules(),
      producingCommands("cpu"),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

Deno.test("F2: flat accuracy at quadratic cost is reproduced; an out-of-memory size is left out", async () => {
  const check = await resolutionGrid(() => 0.4);
  assert.equal(check.claim.verdict, "reproduced", check.claim.statement);
  assert.ok(Math.abs(check.timeExponent - 2) < 1e-9);
  assert.match(
    check.claim.statement,
    /From 32×32 to 128×128 input, time per epoch grows 16× .*∝ side\^2\) and predicted peak memory 16×/,
  );
  assert.match(check.claim.evidence.at(-1) ?? "", /input 224×224: 1 oom/);
});

Deno.test("F2: accuracy that rises beyond the margin is not reproduced", async () => {
  const check = await resolutionGrid((input) => 0.3 + input / 1000);
  assert.equal(check.claim.verdict, "not_reproduced", check.claim.statement);
  assert.match(check.claim.statement, /\+9\.6 pt/);
});
