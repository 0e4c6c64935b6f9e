/**
 * A minimal PNG encoder for 8-bit RGB images: signature, IHDR, one zlib-compressed IDAT (each row
 * prefixed with filter type 0) and IEND, every chunk with its CRC-32. Enough to write the
 * upsampling grid's pixels exactly, without a native image library.
 *
 * @example
 * ```ts
 * import { encodePng } from "./png.ts";
 * const red = new Uint8Array([255, 0, 0]); // one red pixel
 * const png = encodePng({ width: 1, height: 1, rgb: red });
 * png.length; // 69 or so
 * ```
 * @module
 */
import CRC32 from "crc-32";
import { deflateSync } from "node:zlib";

/** An 8-bit RGB raster, row-major, interleaved (r, g, b per pixel). */
export interface RgbImage {
  width: number;
  height: number;
  /** `width * height * 3` bytes. */
  rgb: Uint8Array;
}

const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);

/**
 * The PNG file bytes of `image`. Throws when `rgb` does not hold width × height × 3 bytes.
 *
 * @example
 * ```ts
 * import { encodePng } from "./png.ts";
 * const bytes = encodePng({ width: 2, height: 1, rgb: new Uint8Array(6) });
 * bytes.subarray(1, 4); // "PNG"
 * ```
 */
export function encodePng(image: RgbImage): Uint8Array {
  const { width, height, rgb } = image;
  if (
    !Number.isInteger(width) || !Number.isInteger(height) || width < 1 ||
    height < 1 || rgb.length !== width * height * 3
  ) {
    throw new Error(
      `png: ${rgb.length} bytes do not make a ${width}x${height} RGB image`,
    );
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bits per channel
  header[9] = 2; // colour type: RGB
  const stride = width * 3;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return concat([
    SIGNATURE,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setInt32(8 + data.length, CRC32.buf(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
