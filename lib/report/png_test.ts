import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import CRC32 from "crc-32";
import { encodePng } from "./png.ts";

/** Splits a PNG into chunks, checking each CRC. */
function readChunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks = [];
  let offset = 8;
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = view.getInt32(offset + 8 + length);
    assert.equal(crc, CRC32.buf(png.subarray(offset + 4, offset + 8 + length)));
    chunks.push({ type, data });
    offset += 12 + length;
  }
  return chunks;
}

Deno.test("encodePng writes a valid RGB PNG whose pixels read back exactly", () => {
  const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 8, 7]);
  const png = encodePng({ width: 2, height: 2, rgb });
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const chunks = readChunks(png);
  assert.deepEqual(chunks.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
  const ihdr = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset);
  assert.equal(ihdr.getUint32(0), 2);
  assert.equal(ihdr.getUint32(4), 2);
  const raw = inflateSync(chunks[1].data);
  assert.deepEqual([...raw], [0, ...rgb.subarray(0, 6), 0, ...rgb.subarray(6)]);
});

Deno.test("encodePng refuses a buffer of the wrong size", () => {
  assert.throws(
    () => encodePng({ width: 2, height: 2, rgb: new Uint8Array(11) }),
    /11 bytes do not make a 2x2 RGB image/,
  );
});
