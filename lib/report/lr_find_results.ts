/**
 * The LR range tests written by `deno task lr-find`: results/lr_find/<name>.json, each with the
 * config it ran, its (lr, loss, smoothed loss) points, why it stopped and its suggested learning
 * rates. A file that does not parse or lacks fields is returned as a problem line.
 *
 * @example
 * ```ts
 * import { loadLrFindResults } from "./lr_find_results.ts";
 * const { tests, problems } = await loadLrFindResults("results");
 * tests[0]?.suggestions.valley; // e.g. 0.0042
 * ```
 * @module
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { TrainConfig } from "../train/config.ts";

/** One point of the range test. */
export interface LrFindPoint {
  step: number;
  lr: number;
  /** null where the loss was not finite. */
  loss: number | null;
  smoothedLoss: number | null;
}

/** One range test. */
export interface LrFindResult {
  /** The file name without ".json". */
  name: string;
  config: TrainConfig;
  points: LrFindPoint[];
  stoppedBecause: string;
  suggestions: { steepest: number | null; valley: number | null };
}

/**
 * Reads every results/lr_find/*.json, sorted by name. A missing folder gives none.
 *
 * @example
 * ```ts
 * import { loadLrFindResults } from "./lr_find_results.ts";
 * const { tests } = await loadLrFindResults("results");
 * tests.map((t) => t.name); // ["lr-cpu"]
 * ```
 */
export async function loadLrFindResults(
  resultsDir: string,
): Promise<{ tests: LrFindResult[]; problems: string[] }> {
  const dir = path.join(resultsDir, "lr_find");
  const names = (await readdir(dir).catch(() => [] as string[]))
    .filter((name) => name.endsWith(".json")).sort();
  const tests: LrFindResult[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const file = path.join("lr_find", name);
    try {
      tests.push(
        parseLrFind(
          name.slice(0, -".json".length),
          JSON.parse(await readFile(path.join(resultsDir, file), "utf8")),
        ),
      );
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
    }
  }
  return { tests, problems };
}

function parseLrFind(name: string, value: unknown): LrFindResult {
  const v = value as Partial<LrFindResult> | null;
  if (typeof v?.config?.model !== "object") throw new Error("no config.model");
  if (!Array.isArray(v.points)) throw new Error("no points array");
  const finiteOrNull = (x: unknown) =>
    typeof x === "number" && Number.isFinite(x) ? x : null;
  const points = v.points.map((p, i) => {
    if (typeof p?.lr !== "number" || !(p.lr > 0)) {
      throw new Error(`point ${i + 1} has no positive lr`);
    }
    return {
      step: typeof p.step === "number" ? p.step : i + 1,
      lr: p.lr,
      loss: finiteOrNull(p.loss),
      smoothedLoss: finiteOrNull(p.smoothedLoss),
    };
  });
  return {
    name,
    config: v.config as TrainConfig,
    points,
    stoppedBecause: String(v.stoppedBecause ?? ""),
    suggestions: {
      steepest: finiteOrNull(v.suggestions?.steepest),
      valley: finiteOrNull(v.suggestions?.valley),
    },
  };
}
