import assert from "node:assert/strict";
import { SuiteEta } from "./suite_eta.ts";

Deno.test("the ETA scales the seconds per cost of finished tasks to what is left, over the jobs", () => {
  let now = 0;
  const tasks = [
    { id: "a", costFlops: 10 },
    { id: "b", costFlops: 20 },
    { id: "c", costFlops: 40 },
  ];
  const eta = new SuiteEta(tasks, 2, () => now);
  assert.equal(eta.describe(), "3 left, ETA ?");
  eta.start(tasks[0]);
  eta.start(tasks[1]);
  now = 5_000;
  eta.finish(tasks[0], 5); // 0.5 s per unit
  // b: 10 s of work, 5 s done -> 5 s; c: 20 s; over 2 jobs: 12.5 s.
  assert.equal(eta.secondsLeft(), 12.5);
  eta.start(tasks[2]);
  eta.finish(tasks[1], 10);
  eta.finish(tasks[2], 20);
  assert.equal(eta.describe(), "suite done");
});
