/**
 * `writeReport`: turns whatever results exist into results/README.md — every seed finding as a
 * checked claim (✓ reproduced, ✗ not reproduced, ? not enough runs) with the evidence behind it
 * — plus results/plots/ (Vega-Lite specs, their SVGs, the upsampling grid as PNG) and the
 * report's own CSV tables in results/tables/. Missing inputs make "?" claims that name the
 * command producing them; unusable run directories are listed with the reason. Nothing here is
 * written by hand: regenerating from the same results gives the same report (its date aside).
 *
 * @example
 * ```ts
 * import { writeReport } from "./report.ts";
 * const { readmePath } = await writeReport({ resultsDir: "results" });
 * ```
 * @module
 */
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import process from "node:process";
import { defaultDataDir } from "../data/locate.ts";
import { PROFILE_NAMES } from "../store/run_spec.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { formatDuration } from "../util/format.ts";
import {
  type AblationRun,
  loadAblationRuns,
  type SkippedRun,
} from "./ablation_runs.ts";
import {
  type Claim,
  type ClaimRules,
  resolveClaimRules,
  verdictLabel,
} from "./claim.ts";
import { producingCommands } from "./commands.ts";
import { formatCsv } from "./csv.ts";
import { readUpsampledExamples } from "./image_grid.ts";
import { checkKnob } from "./knob_claims.ts";
import { knobSection } from "./knob_section.ts";
import { loadLrFindResults } from "./lr_find_results.ts";
import { checkLearningRate } from "./lr_claims.ts";
import { learningRateSection } from "./lr_section.ts";
import {
  claimMarkdown,
  markdownTable,
  reportTableMarkdown,
} from "./markdown.ts";
import { checkMemory } from "./memory_claims.ts";
import { loadMemoryResults } from "./memory_results.ts";
import { memorySection } from "./memory_section.ts";
import { collectProvenance, provenanceMarkdown } from "./provenance.ts";
import { renderSvg, styledSpec, svgToPng } from "./render.ts";
import { checkResolution } from "./resolution_claims.ts";
import {
  resolutionSection,
  type UpsamplingInput,
} from "./resolution_section.ts";
import type { ReportSection, SectionBlock } from "./section.ts";

/** Options of {@linkcode writeReport}. */
export interface WriteReportOptions {
  /** The results directory: runs/, lr_find/, tables/, memory_oom.json; the report goes here. */
  resultsDir: string;
  /**
   * Which profile's ablation runs to report. Default: the largest present (gpu, then cpu, then
   * smoke); runs of other profiles are counted but not shown.
   */
  profile?: string;
  /**
   * CIFAR-10 directory for the upsampling grid. Default: env CIFAR10_DIR, else
   * data/cifar-10-batches-bin; never downloaded. null: no grid.
   */
  dataDir?: string | null;
  /** How claims are decided. */
  rules?: ClaimRules;
  /** Also render every plot to PNG beside its SVG. Default false. */
  pngPlots?: boolean;
}

/** What {@linkcode writeReport} wrote and decided. */
export interface ReportResult {
  readmePath: string;
  /** Every claim, in README order. */
  claims: Claim[];
  /** Run directories that could not be used. */
  skipped: SkippedRun[];
  /** Files written, relative to the results directory. */
  files: string[];
}

/**
 * Tables the report owns in results/tables/ (others there belong to other commands).
 *
 * @example
 * ```ts
 * import { REPORT_TABLES } from "./report.ts";
 * REPORT_TABLES.includes("claims"); // true
 * ```
 */
export const REPORT_TABLES: readonly string[] = Object.freeze([
  "claims",
  "lr_grid",
  "resolution",
  "dense",
  "batch",
  "oom_runs",
  "seed_setting_savings",
  "upsampling_detail",
]);

/**
 * Writes results/README.md, results/plots/ and the report's tables from `resultsDir`.
 *
 * @example
 * ```ts
 * import { writeReport } from "./report.ts";
 * const { readmePath, claims } = await writeReport({ resultsDir: "results", profile: "cpu" });
 * ```
 */
export async function writeReport(
  options: WriteReportOptions,
): Promise<ReportResult> {
  const resultsDir = path.resolve(options.resultsDir);
  const rules = resolveClaimRules(options.rules);
  const [loaded, memory, lrFind] = await Promise.all([
    loadAblationRuns(resultsDir),
    loadMemoryResults(resultsDir),
    loadLrFindResults(resultsDir),
  ]);
  const present = [
    ...new Set(loaded.runs.map((r) => r.spec.profile as string)),
  ];
  const profile = options.profile ??
    [...PROFILE_NAMES].reverse().find((p) => present.includes(p)) ??
    present[0] ?? "cpu";
  const commands = producingCommands(profile);
  const runs = loaded.runs.filter((r) => r.spec.profile === profile);
  const grid = (name: string) => runs.filter((r) => r.grid === name);

  const lrCheck = checkLearningRate(grid("lr"), lrFind.tests, rules, commands);
  const sections: ReportSection[] = [
    memorySection(
      checkMemory(memory, runs, rules, commands),
      memory,
      runs,
    ),
    resolutionSection(
      checkResolution(grid("resolution"), rules, commands),
      grid("resolution"),
      await upsamplingInput(options.dataDir, commands.data),
    ),
    learningRateSection(lrCheck, grid("lr"), lrFind.tests),
    knobSection(
      [
        checkKnob("dense", grid("dense"), rules, commands),
        checkKnob("batch", grid("batch"), rules, commands),
      ],
      { dense: grid("dense"), batch: grid("batch") },
    ),
  ];
  if (lrFind.problems.length > 0) {
    sections[2].blocks.push(
      ...lrFind.problems.map((p) => `Unreadable LR range test: ${p}`),
    );
  }
  const claims = sections.flatMap((s) => s.claims);
  awaitRunsInProgress(claims, loaded.skipped);
  const written: string[] = [];
  const write = async (relative: string, data: string | Uint8Array) => {
    await writeFileAtomic(path.join(resultsDir, relative), data);
    written.push(relative);
  };

  const body: string[] = [];
  for (const section of sections) {
    body.push(
      `<a id="${section.id}"></a>\n\n## ${section.title}`,
      ...section.claims.map(claimMarkdown),
    );
    for (const block of section.blocks) {
      body.push(await writeBlock(block, write, options.pngPlots ?? false));
    }
  }

  await write(
    path.join("tables", "claims.csv"),
    formatCsv(
      ["id", "verdict", "title", "statement", "rule", "evidence", "next"],
      claims.map((c) => ({ ...c, evidence: c.evidence.join("\n") })),
    ),
  );
  const provenance = await collectProvenance(runs, { resultsDir, profile });
  const readme = [
    "# Results: the seed project's findings, checked",
    header(
      runs,
      loaded.runs.length,
      loaded.skipped,
      memory,
      lrFind,
      profile,
      commands,
    ),
    "## Claims",
    claimsTable(claims),
    "Each claim is computed from the result files by the rule printed under it — " +
    "✓ reproduced, ✗ not reproduced, ? not enough runs (with the command that adds them).",
    ...body,
    ...otherProfiles(loaded.runs, profile),
    ...skippedSection(loaded.skipped),
    "## Provenance",
    provenanceMarkdown(provenance),
    "## Files",
    filesList(await removeStale(resultsDir, written)),
  ].join("\n\n") + "\n";
  const readmePath = path.join(resultsDir, "README.md");
  await writeFileAtomic(readmePath, readme);
  return {
    readmePath,
    claims,
    skipped: loaded.skipped,
    files: [...written, "README.md"],
  };
}

/** The grid each claim is computed from. */
const CLAIM_GRIDS: Readonly<Record<string, string>> = Object.freeze({
  F2: "resolution",
  F3: "lr",
  F3b: "lr",
  D: "dense",
  B: "batch",
});

/**
 * A claim whose grid still has runs in progress gets "?": its verdict waits for them (a report
 * written mid-suite must not call a half-finished grid either way). The statement is kept.
 */
function awaitRunsInProgress(
  claims: Claim[],
  skipped: readonly SkippedRun[],
): void {
  for (const claim of claims) {
    const running = skipped.filter((s) =>
      s.kind === "in_progress" && s.grid === CLAIM_GRIDS[claim.id]
    ).length;
    if (running === 0 || claim.verdict === "not_enough_runs") {
      continue;
    }
    claim.verdict = "not_enough_runs";
    claim.statement = `${claim.statement} The verdict waits for ${running} run${
      running === 1 ? "" : "s"
    } of the ${CLAIM_GRIDS[claim.id]} grid still in progress.`;
  }
}

async function upsamplingInput(
  dataDir: string | null | undefined,
  dataCommand: string,
): Promise<UpsamplingInput> {
  if (dataDir === null) return { examples: [] };
  const dir = dataDir ?? process.env.CIFAR10_DIR ?? defaultDataDir();
  try {
    return { examples: await readUpsampledExamples(dir) };
  } catch (error) {
    return {
      examples: [],
      problem: `CIFAR-10 was not readable at ${dir} (${
        (error as Error).message
      }); \`${dataCommand}\` downloads it, or set CIFAR10_DIR.`,
    };
  }
}

async function writeBlock(
  block: SectionBlock,
  write: (relative: string, data: string | Uint8Array) => Promise<void>,
  pngPlots: boolean,
): Promise<string> {
  if (typeof block === "string") return block;
  if (block.kind === "table") {
    const csv = block.source ?? path.join("tables", `${block.name}.csv`);
    if (!block.source) {
      await write(csv, formatCsv(block.columns.map((c) => c.key), block.rows));
    }
    return `${reportTableMarkdown(block)}\n\n<sub>[CSV](${toUrl(csv)})</sub>`;
  }
  if (block.kind === "plot") {
    const spec = styledSpec(block.spec);
    const svg = await renderSvg(spec);
    const base = path.join("plots", block.name);
    await write(`${base}.vl.json`, `${JSON.stringify(spec, null, 2)}\n`);
    await write(`${base}.svg`, svg);
    if (pngPlots) await write(`${base}.png`, await svgToPng(svg));
    return `![${block.caption}](${
      toUrl(`${base}.svg`)
    })\n\n<sub>${block.caption} — ` +
      `[Vega-Lite spec](${toUrl(`${base}.vl.json`)})</sub>`;
  }
  const base = path.join("plots", block.name);
  await write(`${base}.svg`, block.svg);
  await write(`${base}.png`, await svgToPng(block.svg));
  return `![${block.caption}](${
    toUrl(`${base}.png`)
  })\n\n<sub>${block.caption}</sub>`;
}

function toUrl(relative: string): string {
  return relative.split(path.sep).join("/");
}

function header(
  runs: readonly AblationRun[],
  allRuns: number,
  skipped: readonly SkippedRun[],
  memory: Awaited<ReturnType<typeof loadMemoryResults>>,
  lrFind: Awaited<ReturnType<typeof loadLrFindResults>>,
  profile: string,
  commands: ReturnType<typeof producingCommands>,
): string {
  const generated =
    "Generated by `deno task report` from the files in this folder; do not " +
    `edit by hand — regenerate with \`${commands.report}\`.`;
  const nothing = allRuns === 0 && memory.frontier === undefined &&
    memory.agreement === undefined && memory.ooms === undefined &&
    lrFind.tests.length === 0;
  if (nothing) {
    return `${generated}\n\n**No results yet.** Run \`${commands.ablate}\` (the lr, dense, ` +
      `batch and resolution grids), \`${commands.memory}\` (the memory frontier) and ` +
      `\`${commands.lrFind}\` (the LR range test), then \`${commands.report}\`.` +
      (skipped.length > 0
        ? ` ${skipped.length} run director${
          skipped.length === 1 ? "y was" : "ies were"
        } skipped (see below).`
        : "");
  }
  const compute = runs.reduce((s, r) => s + r.summary.wallSeconds, 0);
  return `${generated}\n\nProfile **${profile}**: ${runs.length} finished run${
    runs.length === 1 ? "" : "s"
  } (${formatDuration(compute)} of compute)${
    skipped.length > 0 ? `, ${skipped.length} skipped` : ""
  }.`;
}

function claimsTable(claims: readonly Claim[]): string {
  const anchor = (id: string) =>
    id.startsWith("F1")
      ? "f1"
      : id.startsWith("F2")
      ? "f2"
      : id.startsWith("F3")
      ? "f3"
      : "knobs";
  return markdownTable(
    ["verdict", "claim", "what the data show"],
    claims.map((c) => [
      verdictLabel(c.verdict),
      `[${c.id}](#${anchor(c.id)}) ${c.title}`,
      c.statement,
    ]),
  );
}

function otherProfiles(all: readonly AblationRun[], profile: string): string[] {
  const counts = new Map<string, number>();
  for (const run of all) {
    if (run.spec.profile !== profile) {
      counts.set(run.spec.profile, (counts.get(run.spec.profile) ?? 0) + 1);
    }
  }
  if (counts.size === 0) return [];
  return [
    "## Other profiles",
    `Not shown above: ${
      [...counts.entries()].map(([p, n]) =>
        `${n} ${p} run${
          n === 1 ? "" : "s"
        } (\`deno task report --profile ${p}\`)`
      ).join(", ")
    }.`,
  ];
}

function skippedSection(skipped: readonly SkippedRun[]): string[] {
  if (skipped.length === 0) return [];
  return [
    "## Skipped run directories",
    markdownTable(
      ["run directory", "why it was skipped"],
      skipped.map((s) => [toUrl(s.dir), s.reason]),
    ),
  ];
}

function filesList(tables: readonly string[]): string {
  return [
    `- Tables (CSV, this report's and other commands'): ${
      tables.map((t) => `[${t}](${t})`).join(", ")
    }`,
    "- Plots: `plots/*.vl.json` (Vega-Lite specs with their data; open in the Vega editor), " +
    "`plots/*.svg` (rendered headless with npm vega), `plots/*.png` (rasters)",
    "- Runs: `runs/<grid>/<hash>/` — config.json, metrics.jsonl, summary.json, TensorBoard " +
    "events (`tensorboard --logdir results/runs`)",
  ].join("\n");
}

/**
 * Removes plots, and the report's own tables, that this report did not write; returns every CSV
 * left in tables/ (as URL paths relative to the results directory).
 */
async function removeStale(
  resultsDir: string,
  written: readonly string[],
): Promise<string[]> {
  const keep = new Set(written);
  const plots = await readdir(path.join(resultsDir, "plots")).catch(() => []);
  for (const name of plots) {
    const relative = path.join("plots", name);
    if (/\.(vl\.json|svg|png)$/.test(name) && !keep.has(relative)) {
      await rm(path.join(resultsDir, relative), { force: true });
    }
  }
  for (const table of REPORT_TABLES) {
    const relative = path.join("tables", `${table}.csv`);
    if (!keep.has(relative)) {
      await rm(path.join(resultsDir, relative), { force: true });
    }
  }
  const tables = await readdir(path.join(resultsDir, "tables")).catch(() => []);
  return tables.filter((name) => name.endsWith(".csv")).sort()
    .map((name) => `tables/${name}`);
}
