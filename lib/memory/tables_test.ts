import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  agreementCsv,
  errorPercent,
  frontierCsv,
  writeMemoryTables,
} from "./tables.ts";
import { memoryFrontier } from "./frontier.ts";

Deno.test("writeMemoryTables writes the frontier alone, then agreement and OOM when given", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "memory-tables-"));
  try {
    const first = await writeMemoryTables(dir);
    assert.deepEqual(first, [path.join(dir, "tables", "memory_frontier.csv")]);
    const frontier = (await readFile(first[0], "utf8")).trimEnd().split("\n");
    assert.equal(
      frontier[0],
      "variant,input,dense,batch,optimizer,predicted_peak_bytes,fits_4gib,fits_8gib,fits_16gib",
    );
    assert.equal(frontier.length, 1 + memoryFrontier().length);
    assert.match(frontier[1], /^vgg16,32,4096,8,momentum,\d+,true,true,true$/);

    const written = await writeMemoryTables(dir, {
      agreement: [{
        variant: "vgg16",
        width: 0.25,
        input: 32,
        dense: 256,
        batch: 8,
        optimizer: "momentum",
        predictedBytes: 30_472_680,
        measuredBytes: 30_453_884,
        heapBytes: 41_943_040,
      }],
      oom: [{
        spec: { batch: 7200 },
        status: "oom",
        requestedBytes: 4_335_206_400,
        predictedPeakBytes: 5e9,
        backend: "wasm",
        message: "wasm out of memory",
      }],
    });
    assert.equal(written.length, 3);
    const agreement = await readFile(
      path.join(dir, "tables", "memory_agreement.csv"),
      "utf8",
    );
    assert.equal(
      agreement,
      "variant,width,input,dense,batch,optimizer,predicted_bytes,measured_bytes,error_pct,heap_bytes\n" +
        "vgg16,0.25,32,256,8,momentum,30472680,30453884,0.0617,41943040\n",
    );
    const oom = JSON.parse(
      await readFile(path.join(dir, "memory_oom.json"), "utf8"),
    );
    assert.equal(oom[0].requestedBytes, 4_335_206_400);
    // Atomic writes leave no temporary files behind.
    assert.deepEqual((await readdir(path.join(dir, "tables"))).sort(), [
      "memory_agreement.csv",
      "memory_frontier.csv",
    ]);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("a measurement off wasm leaves the heap cell empty; errors are signed", () => {
  const line = agreementCsv([{
    variant: "vgg11",
    width: 1,
    input: 32,
    dense: 64,
    batch: 4,
    optimizer: "adam",
    predictedBytes: 90,
    measuredBytes: 100,
    heapBytes: null,
  }]).split("\n")[1];
  assert.equal(line, "vgg11,1,32,64,4,adam,90,100,-10,");
  assert.equal(errorPercent(101, 100), 1);
  assert.equal(frontierCsv([]).trim().split("\n").length, 1);
});
