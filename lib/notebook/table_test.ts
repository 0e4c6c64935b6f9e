import assert from "node:assert/strict";
import { formatNumber, imageCell, tableBundle } from "./table.ts";

Deno.test("tableBundle writes the same table as HTML and Markdown, numbers right-aligned", () => {
  const bundle = tableBundle(
    [{ layer: "conv1_1", params: 1792 }, { layer: "a|b <c>", params: null }],
    { caption: "VGG & co" },
  );
  assert.equal(
    bundle["text/markdown"],
    "VGG & co\n\n| layer | params |\n| --- | ---: |\n| conv1_1 | 1,792 |\n| a\\|b <c> |  |",
  );
  assert.equal(bundle["text/plain"], bundle["text/markdown"]);
  const html = bundle["text/html"] as string;
  assert.match(html, /<caption>VGG &amp; co<\/caption>/);
  assert.match(html, /<td>a\|b &lt;c&gt;<\/td>/);
  assert.match(html, /<td style="text-align: right">1,792<\/td>/);
});

Deno.test("tableBundle leaves out rows beyond maxRows and says how many", () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({ i }));
  const bundle = tableBundle(rows, { maxRows: 3 });
  assert.match(
    bundle["text/markdown"] as string,
    /\| 2 \|\n\n2 more rows not shown$/,
  );
  assert.match(bundle["text/html"] as string, /<p>2 more rows not shown<\/p>$/);
});

Deno.test("imageCell embeds a PNG in HTML and stands in as text elsewhere", () => {
  const cell = imageCell(
    { width: 2, height: 1, rgb: new Uint8Array(6) },
    'a "cat"',
    3,
  );
  assert.match(
    cell.html,
    /^<img src="data:image\/png;base64,[A-Za-z0-9+/=]+" alt="a &quot;cat&quot;" width="6" height="3"/,
  );
  const bundle = tableBundle([{ image: cell }]);
  assert.ok((bundle["text/html"] as string).includes(cell.html));
  assert.match(bundle["text/markdown"] as string, /\| a "cat" \|$/);
});

Deno.test("formatNumber: grouped integers, 4 significant digits, exponents for tiny values", () => {
  assert.deepEqual(
    [138357544, -1234, 0.123456, 12.3456, 0.0001, 0.000123, 0, NaN].map(
      formatNumber,
    ),
    ["138,357,544", "-1,234", "0.1235", "12.35", "1e-4", "1.23e-4", "0", "NaN"],
  );
});
