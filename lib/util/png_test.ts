import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { inflateSync } from "node:zlib";
import CRC32 from "crc-32";
import { encodePng, type RgbImage } from "./png.ts";

/** A minimal PNG reader for 8-bit RGB files: checks every CRC and undoes the row filters. */
function decodePng(png: Uint8Array): RgbImage & { filters: Set<number> } {
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = new TextDecoder().decode(png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    assert.equal(
      crc,
      CRC32.buf(png.subarray(offset + 4, offset + 8 + length)) >>> 0,
      type,
    );
    if (type === "IHDR") {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      assert.deepEqual([...data.subarray(8)], [8, 2, 0, 0, 0]);
    }
    if (type === "IDAT") idat.push(data);
    offset += 12 + length;
  }
  const raw = new Uint8Array(inflateSync(Buffer.concat(idat)));
  const stride = width * 3;
  const rgb = new Uint8Array(stride * height);
  const filters = new Set<number>();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    filters.add(filter);
    for (let x = 0; x < stride; x++) {
      const a = x >= 3 ? rgb[y * stride + x - 3] : 0;
      const b = y > 0 ? rgb[(y - 1) * stride + x] : 0;
      const c = x >= 3 && y > 0 ? rgb[(y - 1) * stride + x - 3] : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
          ? b
          : c;
      const predicted = [0, a, b, (a + b) >> 1, paeth][filter];
      rgb[y * stride + x] = (raw[y * (stride + 1) + 1 + x] + predicted) & 255;
    }
  }
  return { width, height, rgb, filters };
}

Deno.test("encodePng round-trips pixels exactly, whatever filters the rows get", () => {
  const width = 37;
  const height = 23;
  const rgb = new Uint8Array(width * height * 3);
  const noise = (n: number) => (Math.imul(n + 1, 2654435761) >>> 24) & 255;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width * 3; x++) {
      // Black rows take no filter, rows that ramp along x Sub, rows that ramp along y Up.
      rgb[y * width * 3 + x] = y < 2
        ? 0
        : y < 8
        ? noise(y * 1000 + x)
        : y < 16
        ? (x * 3 + noise(y)) & 255
        : (y * 5 + noise(x)) & 255;
    }
  }
  const { filters, ...decoded } = decodePng(encodePng({ width, height, rgb }));
  assert.deepEqual(decoded, { width, height, rgb });
  assert.ok(filters.size >= 3, `filters used: ${[...filters]}`);
});

Deno.test("encodePng shrinks an enlarged image well below its raw size", () => {
  const width = 224;
  const rgb = new Uint8Array(width * width * 3);
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < width * 3; x++) {
      rgb[y * width * 3 + x] =
        (Math.floor(y / 7) * 31 + Math.floor(x / 21) * 17) & 255;
    }
  }
  const png = encodePng({ width, height: width, rgb });
  assert.ok(png.length < rgb.length / 20, `${png.length} bytes`);
});

Deno.test("encodePng rejects a buffer of the wrong size", () => {
  assert.throws(
    () => encodePng({ width: 2, height: 2, rgb: new Uint8Array(11) }),
    /11 bytes do not make a 2x2 RGB image/,
  );
});
