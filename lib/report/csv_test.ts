import assert from "node:assert/strict";
import { formatCsv, parseCsv } from "./csv.ts";

Deno.test("formatCsv writes numbers unformatted and quotes only where needed", () => {
  const text = formatCsv(["lr", "note", "fits"], [
    { lr: 0.0003, note: 'a "b", c', fits: true },
    { lr: NaN, note: null, fits: false },
  ]);
  assert.equal(text, 'lr,note,fits\n0.0003,"a ""b"", c",true\n,,false\n');
});

Deno.test("parseCsv reads back what formatCsv wrote, line breaks and CRLF included", () => {
  const rows = [{ a: "1", b: "x\ny" }, { a: "2", b: "" }];
  assert.deepEqual(parseCsv(formatCsv(["a", "b"], rows)), rows);
  assert.deepEqual(parseCsv("a,b\r\n1,2\r\n"), [{ a: "1", b: "2" }]);
  assert.deepEqual(parseCsv("a,b\n1,2"), [{ a: "1", b: "2" }]);
  assert.deepEqual(parseCsv(""), []);
});

Deno.test("parseCsv names the row whose field count is wrong", () => {
  assert.throws(() => parseCsv("a,b\n1,2\n3\n"), /row 3 has 1 fields/);
});
