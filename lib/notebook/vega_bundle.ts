/**
 * Vega-Lite charts for notebooks: a bundle holding the spec (`application/vnd.vegalite.v5+json`,
 * interactive in JupyterLab) and the same chart rendered to SVG (`image/svg+xml`) for viewers
 * without a Vega-Lite renderer (classic Notebook, GitHub, nbconvert). Specs whose data is a
 * relative `url` get the file's rows inlined, since a viewer cannot resolve paths on this disk.
 *
 * @example
 * ```ts
 * import { vegaLiteBundle } from "./vega_bundle.ts";
 * const bundle = await vegaLiteBundle({
 *   data: { values: [{ lr: 0.01, loss: 1.2 }, { lr: 0.1, loss: 2.3 }] },
 *   mark: "line",
 *   encoding: { x: { field: "lr", type: "quantitative" }, y: { field: "loss", type: "quantitative" } },
 * });
 * Object.keys(bundle); // ["application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"]
 * ```
 * @module
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import { ConfigError } from "../util/errors.ts";
import type { MimeBundle } from "./bundle.ts";
import { parseTypedCsv } from "./results_files.ts";

/**
 * The Vega-Lite version the bundles declare (vega-lite 5.x is pinned in deno.json).
 *
 * @example
 * ```ts
 * import { VEGA_LITE_MIME, vegaLiteBundle } from "./vega_bundle.ts";
 * const bundle = await vegaLiteBundle({ mark: "point", data: { values: [] } });
 * bundle[VEGA_LITE_MIME]; // the spec, with its $schema
 * ```
 */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/**
 * The schema URL every bundled spec carries.
 *
 * @example
 * ```ts
 * import { VEGA_LITE_SCHEMA } from "./vega_bundle.ts";
 * const spec = { $schema: VEGA_LITE_SCHEMA, mark: "bar", data: { values: [] } };
 * ```
 */
export const VEGA_LITE_SCHEMA =
  "https://vega.github.io/schema/vega-lite/v5.json";

/**
 * A Vega-Lite spec as plain JSON.
 *
 * @example
 * ```ts
 * import type { VegaLiteSpec } from "./vega_bundle.ts";
 * const spec: VegaLiteSpec = { mark: "point", data: { values: [] } };
 * ```
 */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * The display bundle of `spec`: the spec itself (with `$schema`) and its SVG rendering; the
 * spec's `title` (or "Vega-Lite chart") is the text representation. Throws a
 * {@linkcode ConfigError} naming the problem when the spec does not compile.
 *
 * @example
 * ```ts
 * import { vegaLiteBundle } from "./vega_bundle.ts";
 * const bundle = await vegaLiteBundle({ title: "empty", mark: "point", data: { values: [] } });
 * bundle["text/plain"]; // "empty"
 * ```
 */
export async function vegaLiteBundle(spec: VegaLiteSpec): Promise<MimeBundle> {
  const full = { $schema: VEGA_LITE_SCHEMA, ...spec };
  return {
    [VEGA_LITE_MIME]: full,
    "image/svg+xml": await renderSvg(full),
    "text/plain": chartTitle(full),
  };
}

/**
 * `spec` rendered to an SVG document with Vega's headless renderer.
 *
 * @example
 * ```ts
 * import { renderSvg } from "./vega_bundle.ts";
 * const svg = await renderSvg({ mark: "point", data: { values: [{ a: 1 }] } });
 * svg.startsWith("<svg"); // true
 * ```
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  let runtime: vega.Runtime;
  try {
    runtime = vega.parse(
      vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec).spec,
    );
  } catch (error) {
    throw new ConfigError(
      `Vega-Lite spec "${chartTitle(spec)}" does not compile: ${
        (error as Error).message
      }`,
    );
  }
  const view = new vega.View(runtime, { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Reads a Vega-Lite spec file and replaces every `data: { url }` that names a relative path
 * (resolved against the spec's folder) with the file's rows as `values`: CSV fields that read as
 * numbers or booleans become numbers and booleans, empty fields null; `.json` files are taken as
 * they are. A missing or unreadable file is a one-line {@linkcode ConfigError}.
 *
 * @example
 * ```ts
 * import { readVegaLiteSpec } from "./vega_bundle.ts";
 * const spec = await readVegaLiteSpec("results/plots/lr.vl.json"); // data from ../tables/lr.csv inlined
 * ```
 */
export async function readVegaLiteSpec(file: string): Promise<VegaLiteSpec> {
  let spec: unknown;
  try {
    spec = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message}`);
  }
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new ConfigError(`${file}: not a Vega-Lite spec (a JSON object)`);
  }
  return await inlineData(
    spec as VegaLiteSpec,
    path.dirname(file),
  ) as VegaLiteSpec;
}

async function inlineData(node: unknown, baseDir: string): Promise<unknown> {
  if (Array.isArray(node)) {
    return await Promise.all(node.map((item) => inlineData(item, baseDir)));
  }
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === "data" && isRelativeUrlData(value)
      ? await loadData(value, baseDir)
      : await inlineData(value, baseDir);
  }
  return out;
}

function isRelativeUrlData(value: unknown): value is { url: string } {
  if (typeof value !== "object" || value === null) return false;
  const url = (value as { url?: unknown }).url;
  return typeof url === "string" && !/^[a-z][a-z0-9+.-]*:/i.test(url) &&
    !path.isAbsolute(url);
}

async function loadData(
  data: { url: string; format?: unknown },
  baseDir: string,
): Promise<unknown> {
  const file = path.resolve(baseDir, data.url);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new ConfigError(`${file}: cannot read chart data (${code})`);
  }
  const { url: _url, format: _format, ...rest } = data;
  if (file.endsWith(".json")) return { ...rest, values: JSON.parse(text) };
  return { ...rest, values: parseTypedCsv(text) };
}

function chartTitle(spec: VegaLiteSpec): string {
  const title = spec.title;
  if (typeof title === "string") return title;
  if (typeof title === "object" && title !== null) {
    const text = (title as { text?: unknown }).text;
    if (typeof text === "string") return text;
    if (Array.isArray(text)) return text.join(" ");
  }
  return "Vega-Lite chart";
}
