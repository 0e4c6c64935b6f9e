/**
 * Jupyter display bundles: one output as several MIME representations, the richest of which a
 * viewer picks (`Deno.jupyter.display(bundle, { raw: true })` in a notebook cell). Binary data is
 * base64, as the Jupyter message spec requires.
 *
 * @example
 * ```ts
 * import { pngBundle } from "./bundle.ts";
 * const bundle = pngBundle({ width: 1, height: 1, rgb: Uint8Array.of(0, 0, 0) }, "a black pixel");
 * Object.keys(bundle); // ["image/png", "text/plain"]
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import { encodePng, type RgbImage } from "../util/png.ts";

/**
 * MIME type -> representation: strings for text and base64 images, objects for JSON types
 * (e.g. `application/vnd.vegalite.v5+json`).
 *
 * @example
 * ```ts
 * import type { MimeBundle } from "./bundle.ts";
 * const bundle: MimeBundle = { "text/markdown": "**done**", "text/plain": "done" };
 * ```
 */
export type MimeBundle = Record<string, string | object>;

/**
 * A bundle showing `image` as a PNG, with `alt` as its text representation.
 *
 * @example
 * ```ts
 * import { pngBundle } from "./bundle.ts";
 * pngBundle({ width: 1, height: 1, rgb: Uint8Array.of(255, 0, 0) }, "red")["text/plain"]; // "red"
 * ```
 */
export function pngBundle(image: RgbImage, alt: string): MimeBundle {
  return { "image/png": base64(encodePng(image)), "text/plain": alt };
}

/**
 * `image` as a `data:image/png;base64,...` URI, for `<img>` tags inside HTML outputs.
 *
 * @example
 * ```ts
 * import { pngDataUri } from "./bundle.ts";
 * pngDataUri({ width: 1, height: 1, rgb: new Uint8Array(3) }).startsWith("data:image/png;base64,"); // true
 * ```
 */
export function pngDataUri(image: RgbImage): string {
  return `data:image/png;base64,${base64(encodePng(image))}`;
}

/**
 * `text` with `&`, `<`, `>`, `"` and `'` escaped for HTML text and attribute values.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./bundle.ts";
 * escapeHtml('<a href="x">'); // "&lt;a href=&quot;x&quot;&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
}

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}
