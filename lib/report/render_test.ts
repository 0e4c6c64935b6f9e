import assert from "node:assert/strict";
import { renderSvg, svgToPng } from "./render.ts";

Deno.test("renderSvg draws a Vega-Lite chart with its axis titles, headless", async () => {
  const svg = await renderSvg({
    data: { values: [{ lr: 0.001, loss: 1.2 }, { lr: 0.1, loss: 2.3 }] },
    mark: "line",
    encoding: {
      x: {
        field: "lr",
        type: "quantitative",
        scale: { type: "log" },
        title: "learning rate",
      },
      y: { field: "loss", type: "quantitative", title: "training loss" },
    },
  });
  assert.match(svg, /^<svg/);
  assert.match(svg, /learning rate/);
  assert.match(svg, /training loss/);
});

Deno.test("svgToPng rasterises an SVG at its size", async () => {
  const png = await svgToPng(
    '<svg xmlns="http://www.w3.org/2000/svg" width="6" height="3">' +
      '<rect width="6" height="3" fill="#ff0000"/></svg>',
  );
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  assert.equal(String.fromCharCode(...png.subarray(12, 16)), "IHDR");
  assert.equal(view.getUint32(16), 6);
  assert.equal(view.getUint32(20), 3);
});
