import assert from "node:assert/strict";
import { formatBytes } from "./format.ts";
import { ProgressBar } from "./progress.ts";

function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

Deno.test("a line shows amount, rate, ETA and fields", () => {
  const clock = fakeClock();
  const lines: string[] = [];
  const bar = new ProgressBar({
    total: 1000 * 1024 * 1024,
    label: "download",
    formatAmount: formatBytes,
    rateUnit: "/s",
    write: (t) => lines.push(t),
    interactive: false,
    now: clock.now,
  });
  clock.advance(10_000);
  bar.update(250 * 1024 * 1024, { try: "1" });
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    /^download {2}\[######-+\] {2}250\.0 MiB\/1000\.0 MiB {2}25\.0 MiB\/s/,
  );
  assert.match(lines[0], /try 1 {2}ETA 30s {2}elapsed 10s\n$/);
});

Deno.test("without a terminal, lines are rate-limited; done always prints", () => {
  const clock = fakeClock();
  const lines: string[] = [];
  const bar = new ProgressBar({
    total: 10,
    write: (t) => lines.push(t),
    interactive: false,
    logIntervalMs: 5000,
    now: clock.now,
  });
  for (let i = 1; i <= 10; i++) {
    clock.advance(1000);
    bar.update(i);
  }
  bar.done();
  assert.equal(lines.length, 3, lines.join(""));
  assert.match(lines[2], /10\/10/);
});

Deno.test("the rate is unknown until half a second has passed", () => {
  const clock = fakeClock();
  const bar = new ProgressBar({
    total: 10,
    now: clock.now,
    interactive: false,
    write: () => {},
  });
  clock.advance(10);
  assert.match(bar.render(1), / \?\/s +ETA \? /);
});
