import assert from "node:assert/strict";
import { judgeLossTrace } from "./status.ts";

const LN10 = Math.log(10);

Deno.test("a loss that jitters around ln 10 after the warm-up is stuck_at_chance", () => {
  const jitter = (i: number) => LN10 + (i % 2 ? 0.05 : -0.04);
  const losses = [3.1, 2.7, ...Array.from({ length: 20 }, (_, i) => jitter(i))];
  assert.equal(
    judgeLossTrace(losses, { warmupSteps: 2, windowSteps: 20 }),
    "stuck_at_chance",
  );
});

Deno.test("a window mean just below ln 10 - tolerance is ok; above ln 10 is still chance", () => {
  const rule = { warmupSteps: 5, windowSteps: 20 };
  assert.equal(judgeLossTrace(Array(30).fill(LN10 - 0.021), rule), "ok");
  assert.equal(
    judgeLossTrace(Array(30).fill(LN10 - 0.019), rule),
    "stuck_at_chance",
  );
  // A collapsed network under a too-large lr: spiky, its mean above ln 10.
  const spiky = Array.from({ length: 30 }, (_, i) => (i % 5 ? 2.25 : 2.9));
  assert.equal(judgeLossTrace(spiky, rule), "stuck_at_chance");
  const learnsLate = [...Array(25).fill(LN10), ...Array(5).fill(LN10 - 0.1)];
  assert.equal(judgeLossTrace(learnsLate, rule), "ok");
});

Deno.test("a learning run is ok and a too-short trace is never judged stuck", () => {
  const learning = Array.from(
    { length: 100 },
    (_, i) => 2.3 * Math.exp(-i / 50),
  );
  assert.equal(judgeLossTrace(learning), "ok");
  assert.equal(judgeLossTrace(Array(99).fill(LN10)), "ok");
  assert.equal(judgeLossTrace(Array(100).fill(LN10)), "stuck_at_chance");
});

Deno.test("NaN or Infinity anywhere is diverged, even inside the warm-up", () => {
  assert.equal(judgeLossTrace([2.3, NaN, 2.3]), "diverged");
  assert.equal(judgeLossTrace([2.3, Infinity]), "diverged");
});

Deno.test("chance level follows the number of classes", () => {
  const losses = Array(40).fill(Math.log(100));
  assert.equal(
    judgeLossTrace(losses, {
      numClasses: 100,
      warmupSteps: 10,
      windowSteps: 30,
    }),
    "stuck_at_chance",
  );
  // ln 10 is chance for ten classes but far better than chance for a hundred.
  const tenClassChance = Array(40).fill(Math.log(10));
  assert.equal(
    judgeLossTrace(tenClassChance, {
      numClasses: 100,
      warmupSteps: 10,
      windowSteps: 30,
    }),
    "ok",
  );
});
