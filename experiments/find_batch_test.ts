import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runEntryPoint } from "./test_support.ts";

function findBatch(args: string[]) {
  return runEntryPoint("find_batch.ts", args);
}

Deno.test("the seed's network on a GTX 1050 Ti: the model's answer, with the margin", async () => {
  const seed = [
    "--input",
    "224",
    "--dense",
    "4096",
    "--memory-budget",
    "gtx1050ti",
  ];
  const { code, stdout, stderr } = await findBatch([...seed, "--no-confirm"]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "2\n");
  assert.match(stderr, /budget 4\.0 GiB, limit 3\.6 GiB after the margin/);
  const none = await findBatch([...seed, "--no-confirm", "--margin", "0.5"]);
  assert.equal(none.code, 0);
  assert.equal(none.stdout, "", "no batch fits: nothing on stdout");
  assert.match(none.stderr, /no batch fits: even batch 1 is predicted to need/);
});

Deno.test("a real step confirms the batch; the result can be saved as JSON", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "find-batch-"));
  try {
    const json = path.join(dir, "found.json");
    const { code, stdout, stderr } = await findBatch([
      ...["--variant", "vgg11", "--width", "0.125", "--dense", "64"],
      ...["--memory-budget", "8MiB", "--json", json],
    ]);
    assert.equal(code, 0, stderr);
    const found = JSON.parse(await readFile(json, "utf8"));
    assert.equal(stdout, `${found.batchSize}\n`);
    assert.equal(found.trials.length, 1);
    assert.equal(found.trials[0].status, "ok");
    assert.ok(found.measuredPeakBytes <= found.limitBytes);
    assert.match(found.reason, /confirmed by a real step/);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("bad input is a one-line error", async () => {
  const cases: [string[], RegExp][] = [
    [[], /--memory-budget is required/],
    [["--memory-budget", "4 gigs"], /memory budget must be a size/],
    [["--memory-budget", "0"], /more than 0 bytes/],
    [
      ["--memory-budget", "4GiB", "--input", "100"],
      /inputSize must be a multiple of 32/,
    ],
    [
      ["--memory-budget", "4GiB", "--margin", "1.5"],
      /margin must be in \[0, 1\)/,
    ],
    [
      ["--memory-budget", "4GiB", "--max-batch", "x"],
      /--max-batch must be a number/,
    ],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await findBatch(args);
    assert.equal(code, 2, args.join(" "));
    assert.equal(stdout, "");
    assert.match(stderr, message);
    assert.equal(stderr.trim().split("\n").length, 1);
  }
});
