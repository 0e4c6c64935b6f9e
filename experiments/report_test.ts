import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeSyntheticLrGrid } from "../lib/report/test_support.ts";
import { runEntryPoint } from "./test_support.ts";

function runReport(args: string[]) {
  return runEntryPoint("report.ts", args);
}

Deno.test("deno task report writes the README of a results folder and prints its path", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "report-cli-"));
  try {
    await writeSyntheticLrGrid(dir, {
      stuck: true,
      seeds: 2,
      profile: "smoke",
    });
    const result = await runReport(["--results", dir, "--data", dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), path.join(dir, "README.md"));
    assert.match(result.stderr, /^F3 ✓ reproduced: With lr ≥ 0\.1/m);
    assert.doesNotMatch(result.stderr, /DeprecationWarning/);
    const readme = await readFile(path.join(dir, "README.md"), "utf8");
    assert.match(readme, /Profile \*\*smoke\*\*/);
    assert.match(readme, /No upsampling grid: CIFAR-10 was not readable/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("bad flags are one-line errors with exit code 2 and nothing written", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "report-cli-"));
  try {
    const profile = await runReport(["--results", dir, "--profile", "huge"]);
    assert.equal(profile.code, 2);
    assert.equal(
      profile.stderr,
      'error: unknown profile "huge" (valid: smoke, cpu, gpu)\n',
    );
    const missing = await runReport(["--results", path.join(dir, "nope")]);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /^error: --results .*nope is not a directory\n$/,
    );
    const flag = await runReport(["--results", dir, "--colour"]);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /^error: Unknown option '--colour'/);
    assert.ok(!existsSync(path.join(dir, "README.md")));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("--help describes the options", async () => {
  const result = await runReport(["--help"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /--profile NAME +smoke \| cpu \| gpu/);
});
