import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import protobuf from "protobufjs";
import CRC32C from "crc-32/crc32c.js";
import { ConfigError } from "../util/errors.ts";
import { TensorBoardWriter } from "./tensorboard.ts";

// TensorFlow's event.proto / summary.proto, cut to the fields the writer uses.
const EVENT_PROTO = `
syntax = "proto3";
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what { string file_version = 3; Summary summary = 5; }
}
message Summary { repeated Value value = 1; }
message Value { string tag = 1; oneof value { float simple_value = 2; } }
`;
const Event = protobuf.parse(EVENT_PROTO).root.lookupType("Event");

interface DecodedEvent {
  wallTime: number;
  step?: number;
  fileVersion?: string;
  summary?: { value: { tag: string; simpleValue: number }[] };
}

function masked(crc: number): number {
  const c = crc >>> 0;
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) % 2 ** 32;
}

/** Parses TFRecord framing (checking both CRCs) and decodes every record as an Event. */
async function readEvents(file: string): Promise<DecodedEvent[]> {
  const bytes = new Uint8Array(await readFile(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: DecodedEvent[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const length = Number(view.getBigUint64(offset, true));
    assert.equal(
      view.getUint32(offset + 8, true),
      masked(CRC32C.buf(bytes.subarray(offset, offset + 8))),
    );
    const data = bytes.subarray(offset + 12, offset + 12 + length);
    assert.equal(
      view.getUint32(offset + 12 + length, true),
      masked(CRC32C.buf(data)),
    );
    events.push(
      Event.toObject(Event.decode(data), { longs: Number }) as DecodedEvent,
    );
    offset += 16 + length;
  }
  assert.equal(offset, bytes.length, "no trailing partial record");
  return events;
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "tensorboard-test-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

Deno.test("TensorBoardWriter writes a file-version event, then scalars TensorBoard can decode", async () => {
  await withTempDir(async (dir) => {
    const before = Date.now() / 1000;
    const writer = await TensorBoardWriter.open(path.join(dir, "run"), {
      flushEvery: 2,
    });
    writer.scalar("train/loss", 2.302585, 0, 1700000000.5);
    writer.scalar("train/loss", 0.1, 1, 1700000001.25);
    writer.scalar("val/accuracy", 0.875, 2 ** 40, 1700000002);
    writer.scalar("train/loss", NaN, 2);
    await writer.close();

    assert.match(
      path.basename(writer.path),
      /^events\.out\.tfevents\.\d{10}\.[^/]+$/,
    );
    assert.equal(path.dirname(writer.path), path.join(dir, "run"));
    const [header, ...scalars] = await readEvents(writer.path);
    assert.equal(header.fileVersion, "brain.Event:2");
    assert.ok(
      header.wallTime >= before - 1 && header.wallTime <= Date.now() / 1000 + 1,
    );
    const points = scalars.map((event) => ({
      wallTime: event.wallTime,
      step: event.step ?? 0,
      tag: event.summary!.value[0].tag,
      value: event.summary!.value[0].simpleValue,
    }));
    assert.deepEqual(points.slice(0, 3), [
      {
        wallTime: 1700000000.5,
        step: 0,
        tag: "train/loss",
        value: Math.fround(2.302585),
      },
      {
        wallTime: 1700000001.25,
        step: 1,
        tag: "train/loss",
        value: Math.fround(0.1),
      },
      {
        wallTime: 1700000002,
        step: 2 ** 40,
        tag: "val/accuracy",
        value: 0.875,
      },
    ]);
    assert.equal(points.length, 4);
    assert.ok(Number.isNaN(points[3].value));
    assert.ok(
      Math.abs(points[3].wallTime - Date.now() / 1000) < 60,
      "default wall time is now",
    );
  });
});

Deno.test("TensorBoardWriter buffers events until flushEvery is reached or flush is called", async () => {
  await withTempDir(async (dir) => {
    const writer = await TensorBoardWriter.open(dir, { flushEvery: 3 });
    writer.scalar("a", 1, 1);
    writer.scalar("a", 2, 2);
    assert.equal(
      (await readEvents(writer.path)).length,
      1,
      "only the header before a flush",
    );
    writer.scalar("a", 3, 3);
    await writer.flush();
    assert.equal((await readEvents(writer.path)).length, 4);
    writer.scalar("a", 4, 4);
    await writer.flush();
    const steps = (await readEvents(writer.path)).slice(1).map((event) =>
      event.step
    );
    assert.deepEqual(steps, [1, 2, 3, 4]);
    await writer.close();
    await writer.close();
    assert.throws(() => writer.scalar("a", 5, 5), /closed/);
  });
});

Deno.test("TensorBoardWriter.open never appends to an existing event file", async () => {
  await withTempDir(async (dir) => {
    const writers = await Promise.all(
      [1, 2, 3].map(() => TensorBoardWriter.open(dir)),
    );
    const files = writers.map((writer) => writer.path);
    assert.equal(new Set(files).size, 3);
    assert.equal((await readdir(dir)).length, 3);
    for (const [i, writer] of writers.entries()) {
      writer.scalar("run", i, 0);
      await writer.close();
      const events = await readEvents(writer.path);
      assert.equal(events.length, 2);
      assert.equal(events[1].summary!.value[0].simpleValue, i);
    }
  });
});

Deno.test("TensorBoardWriter rejects bad arguments with one-line errors", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(TensorBoardWriter.open(""), ConfigError);
    await assert.rejects(
      TensorBoardWriter.open(dir, { flushEvery: 0 }),
      (error: Error) =>
        error instanceof ConfigError && /flushEvery/.test(error.message),
    );
    const file = path.join(dir, "not-a-dir");
    await writeFile(file, "x");
    await assert.rejects(
      TensorBoardWriter.open(path.join(file, "run")),
      (error: Error) =>
        error instanceof ConfigError && error.message.includes(file),
    );

    const writer = await TensorBoardWriter.open(dir);
    assert.throws(() => writer.scalar("", 1, 0), /tag/);
    assert.throws(() => writer.scalar("loss", 1, -1), /step/);
    assert.throws(() => writer.scalar("loss", 1, 1.5), /step/);
    assert.throws(
      () => writer.scalar("loss", "1" as unknown as number, 1),
      /value/,
    );
    assert.throws(() => writer.scalar("loss", 1, 1, NaN), /wallTime/);
    await writer.close();
    assert.equal(
      (await readEvents(writer.path)).length,
      1,
      "rejected points are not written",
    );
  });
});

Deno.test("TensorBoardWriter.flush reports a failed append", async () => {
  await withTempDir(async (dir) => {
    const logDir = path.join(dir, "run");
    const writer = await TensorBoardWriter.open(logDir, { flushEvery: 100 });
    writer.scalar("loss", 1, 1);
    await rm(logDir, { recursive: true });
    await writeFile(logDir, "now a file");
    await assert.rejects(writer.flush());
  });
});
