import assert from "node:assert/strict";
import process from "node:process";
import { type PoolTask, WorkerPool } from "./worker_pool.ts";

/** A task that runs `code` in a fresh Deno process. */
function task(id: string, code: string): PoolTask {
  return { id, command: process.execPath, args: ["eval", code] };
}

Deno.test("the pool runs every task, at most `jobs` at once, and reports each outcome", async () => {
  let running = 0;
  let most = 0;
  const pool = new WorkerPool({ jobs: 2 });
  const outcomes = await pool.run(
    [1, 2, 3].map((n) => task(`t${n}`, `console.log(${n})`)),
    {
      onStart: () => {
        running++;
        most = Math.max(most, running);
      },
      onFinish: () => {
        running--;
      },
    },
  );
  assert.deepEqual(outcomes.map((o) => o.stdout.trim()), ["1", "2", "3"]);
  assert.ok(outcomes.every((o) => o.code === 0 && o.signal === null));
  assert.equal(most, 2);
});

Deno.test("a crashing task is reported with its exit code or signal and stderr; the rest still run", async () => {
  const pool = new WorkerPool({ jobs: 1 });
  const [exited, aborted, fine] = await pool.run([
    task("exit", "console.error('boom: out of memory'); Deno.exit(7)"),
    task("abort", "Deno.kill(Deno.pid, 'SIGABRT')"),
    task("fine", "console.log('ok')"),
  ]);
  assert.equal(exited.code, 7);
  assert.match(exited.stderrTail, /boom: out of memory/);
  assert.equal(aborted.signal, "SIGABRT");
  assert.equal(fine.stdout.trim(), "ok");
});
