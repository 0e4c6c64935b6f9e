import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { escapeHtml, pngBundle, pngDataUri } from "./bundle.ts";
import { encodePng } from "../util/png.ts";

const pixel = { width: 1, height: 1, rgb: Uint8Array.of(255, 0, 0) };

Deno.test("pngBundle carries the PNG as base64 and the alt text", () => {
  const bundle = pngBundle(pixel, "one red pixel");
  assert.deepEqual(Object.keys(bundle), ["image/png", "text/plain"]);
  assert.deepEqual(
    new Uint8Array(Buffer.from(bundle["image/png"] as string, "base64")),
    encodePng(pixel),
  );
  assert.equal(bundle["text/plain"], "one red pixel");
});

Deno.test("pngDataUri and escapeHtml make safe inline HTML", () => {
  assert.equal(
    pngDataUri(pixel),
    `data:image/png;base64,${pngBundle(pixel, "")["image/png"]}`,
  );
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
});
