/**
 * `deno task report`: writes results/README.md — each seed finding as a claim checked against
 * the results (✓ reproduced, ✗ not reproduced, ? not enough runs) — with results/plots/
 * (Vega-Lite specs, SVGs, the upsampling grid as PNG) and results/tables/ (CSV).
 *
 *   deno task report                      # the largest profile present in results/
 *   deno task report --profile smoke --results /tmp/ci-results
 *
 * @module
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import process from "node:process";
import { projectRoot } from "../lib/data/project.ts";
import { verdictLabel } from "../lib/report/claim.ts";
import { PROFILE_NAMES, type ProfileName } from "../lib/store/run_spec.ts";
import { parseCommandLine, runCli } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/errors.ts";

const HELP =
  `Write results/README.md: the seed's findings as claims checked against the results.

Usage: deno task report [options]

  --results DIR     results folder to read and write (default: results/ of this project)
  --profile NAME    ${
    PROFILE_NAMES.join(" | ")
  }: whose ablation runs to report (default: the largest present)
  --data DIR        CIFAR-10 binary folder for the upsampling grid (default: $CIFAR10_DIR, then
                    data/cifar-10-batches-bin; never downloaded; without it the grid is left out)
  --png             also render every plot to PNG beside its SVG
  -h, --help        this text

Reads results/runs/<grid>/<hash>/ (deno task ablate), results/tables/memory_*.csv and
results/memory_oom.json (deno task memory), results/lr_find/*.json (deno task lr-find).
Writes results/README.md, results/plots/, and the report's tables in results/tables/.
`;

const OPTIONS = {
  results: { type: "string" },
  profile: { type: "string" },
  data: { type: "string" },
  png: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

await runCli(async () => {
  const flags = parseCommandLine(OPTIONS, HELP);
  if (!flags) return;
  if (
    flags.profile !== undefined &&
    !PROFILE_NAMES.includes(flags.profile as ProfileName)
  ) {
    throw new ConfigError(
      `unknown profile "${flags.profile}" (valid: ${PROFILE_NAMES.join(", ")})`,
    );
  }
  const resultsDir = path.resolve(
    flags.results ?? path.join(projectRoot(), "results"),
  );
  if (flags.results !== undefined) await requireDir("--results", resultsDir);
  if (flags.data !== undefined) await requireDir("--data", flags.data);

  // npm vega loads node-fetch, whose use of node:punycode prints a deprecation warning on
  // every run; it concerns a dependency, not the user, so it is silenced before vega loads.
  (process as { noDeprecation?: boolean }).noDeprecation = true;
  const { writeReport } = await import("../lib/report/report.ts");
  const report = await writeReport({
    resultsDir,
    profile: flags.profile,
    dataDir: flags.data,
    pngPlots: flags.png,
  });
  for (const claim of report.claims) {
    console.error(
      `${claim.id} ${verdictLabel(claim.verdict)}: ${claim.statement}`,
    );
  }
  if (report.skipped.length > 0) {
    console.error(
      `${report.skipped.length} run director${
        report.skipped.length === 1 ? "y" : "ies"
      } skipped (listed in the report)`,
    );
  }
  console.log(report.readmePath);
});

async function requireDir(flag: string, dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new ConfigError(`${flag} ${dir} is not a directory`);
  }
}
