/**
 * Headless rendering: a Vega-Lite spec is compiled (npm vega-lite) and drawn to SVG by npm vega
 * with its "none" renderer (no canvas, no native code); an SVG becomes a PNG through resvg's
 * WebAssembly build. resvg sees no system fonts, so a TrueType font is loaded from a known
 * system path (Debian's fonts-dejavu-core first); without one, text is left out of PNGs (the SVGs
 * are unaffected: browsers use their own fonts).
 *
 * @example
 * ```ts
 * import { renderSvg, svgToPng } from "./render.ts";
 * const svg = await renderSvg({
 *   data: { values: [{ x: 1, y: 2 }] },
 *   mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * const png = await svgToPng(svg);
 * ```
 * @module
 */
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import * as vegaLite from "vega-lite";

/**
 * The font family plots are drawn with (falls back to the viewer's sans-serif).
 *
 * @example
 * ```ts
 * import { PLOT_FONT } from "./render.ts";
 * PLOT_FONT.split(",")[0]; // "DejaVu Sans"
 * ```
 */
export const PLOT_FONT = "DejaVu Sans, Verdana, sans-serif";

/**
 * Plot styling shared by every chart: readable sizes, white background, one font.
 *
 * @example
 * ```ts
 * import { PLOT_CONFIG } from "./render.ts";
 * PLOT_CONFIG.background; // "white"
 * ```
 */
export const PLOT_CONFIG = Object.freeze({
  background: "white",
  font: PLOT_FONT,
  padding: 8,
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, anchor: "start" as const, offset: 10 },
});

/** A TrueType font file and the family name it holds. */
export interface FontFile {
  file: string;
  family: string;
}

/**
 * Where a font of {@linkcode PLOT_FONT}'s families usually is: Debian/Ubuntu, Fedora, Arch,
 * macOS, Windows.
 *
 * @example
 * ```ts
 * import { FONT_CANDIDATES } from "./render.ts";
 * FONT_CANDIDATES[0].family; // "DejaVu Sans"
 * ```
 */
export const FONT_CANDIDATES: readonly FontFile[] = Object.freeze(
  [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
  ].map((file) => ({ file, family: "DejaVu Sans" })).concat([
    "/System/Library/Fonts/Supplemental/Verdana.ttf",
    "C:\\Windows\\Fonts\\verdana.ttf",
  ].map((file) => ({ file, family: "Verdana" }))),
);

/**
 * Versions of the plotting packages, for the report's provenance.
 *
 * @example
 * ```ts
 * import { plottingVersions } from "./render.ts";
 * plottingVersions(); // { vega: "5.33.0", vegaLite: "5.23.0" }
 * ```
 */
export function plottingVersions(): { vega: string; vegaLite: string } {
  return { vega: vega.version, vegaLite: vegaLite.version };
}

/**
 * The spec with {@linkcode PLOT_CONFIG} under its own `config`: what is rendered, and what is
 * saved as .vl.json so that the Vega-Lite editor draws the same chart.
 *
 * @example
 * ```ts
 * import { styledSpec } from "./render.ts";
 * styledSpec({ mark: "point" }).config?.background; // "white"
 * ```
 */
export function styledSpec(spec: TopLevelSpec): TopLevelSpec {
  return {
    ...spec,
    config: { ...PLOT_CONFIG, ...(spec.config ?? {}) },
  } as TopLevelSpec;
}

/**
 * Compiles a Vega-Lite spec and renders it to SVG text, with {@linkcode PLOT_CONFIG} under the
 * spec's own `config`.
 *
 * @example
 * ```ts
 * import { renderSvg } from "./render.ts";
 * const svg = await renderSvg({ data: { values: [{ a: 1 }] }, mark: "tick",
 *   encoding: { x: { field: "a", type: "quantitative" } } });
 * svg.startsWith("<svg"); // true
 * ```
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(styledSpec(spec)).spec), {
    renderer: "none",
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

let resvgReady: Promise<void> | undefined;
const fontCache = new Map<string, Promise<Uint8Array | undefined>>();

/** Options of {@linkcode svgToPng}. */
export interface SvgToPngOptions {
  /** TrueType font for text; default: the first of {@linkcode FONT_CANDIDATES} that exists. */
  font?: FontFile;
  /** Scale factor (2 = twice the SVG's size in pixels). Default 1. */
  zoom?: number;
}

/**
 * Renders SVG text to PNG bytes with resvg (WebAssembly).
 *
 * @example
 * ```ts
 * import { svgToPng } from "./render.ts";
 * const png = await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
 * ```
 */
export async function svgToPng(
  svg: string,
  options: SvgToPngOptions = {},
): Promise<Uint8Array> {
  resvgReady ??= readFile(
    new URL("index_bg.wasm", import.meta.resolve("@resvg/resvg-wasm")),
  ).then((wasm) => initWasm(wasm));
  await resvgReady;
  const fontFile = options.font ?? findFontFile();
  const font = fontFile ? await loadFont(fontFile.file) : undefined;
  const family = fontFile?.family ?? "DejaVu Sans";
  const resvg = new Resvg(svg, {
    fitTo: options.zoom && options.zoom !== 1
      ? { mode: "zoom", value: options.zoom }
      : { mode: "original" },
    font: {
      fontBuffers: font ? [font] : [],
      loadSystemFonts: false,
      defaultFontFamily: family,
      sansSerifFamily: family,
    },
  });
  try {
    const rendered = resvg.render();
    const png = rendered.asPng();
    rendered.free();
    return png;
  } finally {
    resvg.free();
  }
}

/**
 * The first existing font of {@linkcode FONT_CANDIDATES}, or undefined.
 *
 * @example
 * ```ts
 * import { findFontFile } from "./render.ts";
 * findFontFile()?.file; // "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf" on Debian
 * ```
 */
export function findFontFile(): FontFile | undefined {
  return FONT_CANDIDATES.find((font) => existsSync(font.file));
}

function loadFont(file: string): Promise<Uint8Array | undefined> {
  let font = fontCache.get(file);
  if (!font) {
    font = readFile(file).then((bytes) => new Uint8Array(bytes)).catch(() =>
      undefined
    );
    fontCache.set(file, font);
  }
  return font;
}
