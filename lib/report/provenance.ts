/**
 * The report's provenance block: where its numbers came from — the backends and versions that
 * ran, the profile, the dataset's checksum, the code's commits, when the runs ran, how much
 * compute they took, and the report's own commit, date and plotting versions.
 *
 * @example
 * ```ts
 * import { collectProvenance, provenanceMarkdown } from "./provenance.ts";
 * const provenance = await collectProvenance([], { resultsDir: "results", profile: "cpu" });
 * console.log(provenanceMarkdown(provenance));
 * ```
 * @module
 */
import { gitCommit } from "../record/provenance.ts";
import { runtimeName } from "../util/runtime.ts";
import { formatDuration } from "../util/format.ts";
import type { AblationRun } from "./ablation_runs.ts";
import { markdownTable } from "./markdown.ts";
import { plottingVersions } from "./render.ts";

/** What the provenance block says. */
export interface ReportProvenance {
  generatedAt: string;
  /** The commit of the checkout holding the results, at report time. */
  reportCommit: string;
  reportRuntime: string;
  profile: string;
  runCount: number;
  /** "<description> (N runs)" per distinct backend. */
  backends: string[];
  runtimes: string[];
  datasetSha256: string[];
  runCommits: string[];
  firstStarted?: string;
  lastFinished?: string;
  /** Sum of the runs' wall-clock seconds. */
  computeSeconds: number;
  plotting: { vega: string; vegaLite: string };
}

/**
 * Collects the provenance of `runs` (the runs the report shows).
 *
 * @example
 * ```ts
 * import { collectProvenance } from "./provenance.ts";
 * const p = await collectProvenance([], { resultsDir: "results", profile: "cpu" });
 * p.computeSeconds; // 0
 * ```
 */
export async function collectProvenance(
  runs: readonly AblationRun[],
  options: { resultsDir: string; profile: string; now?: Date },
): Promise<ReportProvenance> {
  const started = runs.map((r) => r.summary.startedAt).sort();
  const finished = runs.map((r) => r.summary.finishedAt).sort();
  return {
    generatedAt: (options.now ?? new Date()).toISOString(),
    reportCommit: await gitCommit(options.resultsDir),
    reportRuntime: runtimeName(),
    profile: options.profile,
    runCount: runs.length,
    backends: counted(runs.map((r) => describeBackend(r.summary.backend))),
    runtimes: counted(runs.map((r) => r.summary.runtime)),
    datasetSha256: counted(
      runs.map((r) =>
        String(
          (r.summary.dataset as { sha256?: string } | undefined)?.sha256 ??
            "unknown",
        )
      ),
    ),
    runCommits: counted(runs.map((r) => r.summary.commit)),
    firstStarted: started[0],
    lastFinished: finished.at(-1),
    computeSeconds: runs.reduce((sum, r) => sum + r.summary.wallSeconds, 0),
    plotting: plottingVersions(),
  };
}

/**
 * "wasm (@tensorflow/tfjs-backend-wasm 4.22.0, tfjs-core 4.22.0, 1 thread)" from a summary's
 * backend record.
 *
 * @example
 * ```ts
 * import { describeBackend } from "./provenance.ts";
 * describeBackend({ name: "cpu", tfjsVersion: "4.22.0", backendVersion: "4.22.0" });
 * // "cpu (backend 4.22.0, tfjs-core 4.22.0)"
 * ```
 */
export function describeBackend(backend: unknown): string {
  const b = backend as {
    name?: string;
    tfjsVersion?: string;
    backendVersion?: string;
    threads?: number;
    device?: string;
    adapter?: string;
  } | undefined;
  if (!b?.name) return "unknown";
  const details = [
    b.backendVersion ? `backend ${b.backendVersion}` : "",
    b.tfjsVersion ? `tfjs-core ${b.tfjsVersion}` : "",
    b.threads ? `${b.threads} thread${b.threads === 1 ? "" : "s"}` : "",
    b.device ?? "",
    b.adapter ?? "",
  ].filter(Boolean);
  return details.length > 0 ? `${b.name} (${details.join(", ")})` : b.name;
}

function counted(values: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort(([a, x], [b, y]) =>
    y - x || a.localeCompare(b)
  )
    .map(([v, n]) => `${v} (${n} run${n === 1 ? "" : "s"})`);
}

/**
 * The provenance as a two-column markdown table.
 *
 * @example
 * ```ts
 * import { provenanceMarkdown } from "./provenance.ts";
 * // provenanceMarkdown(await collectProvenance(runs, { resultsDir: "results", profile: "cpu" }));
 * ```
 */
export function provenanceMarkdown(p: ReportProvenance): string {
  const list = (values: string[]) =>
    values.length > 0 ? values.join("; ") : "—";
  return markdownTable(["", ""], [
    ["profile", p.profile],
    ["runs shown", String(p.runCount)],
    ["backend", list(p.backends)],
    ["runtime", list(p.runtimes)],
    ["dataset SHA-256", list(p.datasetSha256)],
    ["code commit of the runs", list(p.runCommits)],
    [
      "runs ran",
      p.firstStarted ? `${p.firstStarted} … ${p.lastFinished}` : "—",
    ],
    [
      "total compute (wall clock of the runs)",
      formatDuration(p.computeSeconds),
    ],
    ["report generated", `${p.generatedAt} by ${p.reportRuntime}`],
    ["checkout commit at report time", p.reportCommit],
    ["plotting", `vega ${p.plotting.vega}, vega-lite ${p.plotting.vegaLite}`],
  ]);
}
