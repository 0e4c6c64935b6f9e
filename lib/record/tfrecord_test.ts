import assert from "node:assert/strict";
import {
  crc32c,
  frameRecord,
  maskCrc,
  RECORD_OVERHEAD_BYTES,
} from "./tfrecord.ts";
import { createRng } from "../util/random.ts";

/** Bit-by-bit CRC32C (reflected polynomial 0x82F63B78): slow, obviously correct reference. */
function referenceCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    }
  }
  return (crc ^ 0xffffffff) >>> 0;
}

Deno.test("crc32c matches the published CRC32C check values", () => {
  assert.equal(crc32c(new TextEncoder().encode("123456789")), 0xe3069283);
  // RFC 3720 (iSCSI) appendix B.4 vectors.
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(
    crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)),
    0x46dd794e,
  );
  assert.equal(
    crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)),
    0x113fdb5c,
  );
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

Deno.test("crc32c agrees with a bitwise reference on random data", () => {
  const rng = createRng(7);
  for (const length of [1, 3, 8, 255, 1000]) {
    const bytes = Uint8Array.from({ length }, () => Math.floor(rng() * 256));
    assert.equal(crc32c(bytes), referenceCrc32c(bytes), `length ${length}`);
  }
});

Deno.test("maskCrc rotates right by 15 and adds 0xa282ead8 modulo 2^32", () => {
  assert.equal(maskCrc(0), 0xa282ead8);
  assert.equal(maskCrc(0x8000), 0xa282ead9);
  assert.equal(maskCrc(0xffffffff), (0xffffffff + 0xa282ead8) % 2 ** 32);
});

Deno.test("frameRecord writes length, masked CRCs and data as TensorFlow does", () => {
  // Every TensorFlow event file starts with a 24-byte record whose header is
  // 18 00 00 00 00 00 00 00 a3 7f 4b 22.
  const header = frameRecord(new Uint8Array(24)).subarray(0, 12);
  assert.deepEqual([...header], [
    0x18,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0xa3,
    0x7f,
    0x4b,
    0x22,
  ]);

  const data = new TextEncoder().encode("hello, tensorboard");
  const record = frameRecord(data);
  assert.equal(record.length, data.length + RECORD_OVERHEAD_BYTES);
  const view = new DataView(record.buffer);
  assert.equal(view.getBigUint64(0, true), BigInt(data.length));
  assert.equal(
    view.getUint32(8, true),
    maskCrc(referenceCrc32c(record.subarray(0, 8))),
  );
  assert.deepEqual(record.subarray(12, 12 + data.length), data);
  assert.equal(
    view.getUint32(12 + data.length, true),
    maskCrc(referenceCrc32c(data)),
  );
});
