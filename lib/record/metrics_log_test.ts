import assert from "node:assert/strict";
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MetricsLog, readMetricsLog } from "./metrics_log.ts";

Deno.test("records appended to metrics.jsonl read back in order, NaN as null", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "metrics-"));
  try {
    const file = path.join(dir, "sub", "metrics.jsonl");
    const log = await MetricsLog.open(file);
    await log.append({ type: "step", step: 1, loss: 2.3 });
    await log.append({ type: "step", step: 2, loss: NaN });
    await log.close();
    const again = await MetricsLog.open(file);
    await again.append({ type: "epoch", epoch: 1, testAccuracy: 0.1 });
    await again.close();
    assert.deepEqual(await readMetricsLog(file), [
      { type: "step", step: 1, loss: 2.3 },
      { type: "step", step: 2, loss: null },
      { type: "epoch", epoch: 1, testAccuracy: 0.1 },
    ]);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("a last line cut by a killed run is skipped; a broken middle line is an error", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "metrics-"));
  try {
    const file = path.join(dir, "metrics.jsonl");
    await appendFile(file, '{"type":"step","step":1}\n{"type":"st');
    assert.deepEqual(await readMetricsLog(file), [{ type: "step", step: 1 }]);
    await appendFile(file, '\n{"type":"step","step":3}\n');
    await assert.rejects(readMetricsLog(file), /line 2 is not JSON/);
  } finally {
    await rm(dir, { recursive: true });
  }
});
