/**
 * What the fixes of F1 cost: fewer dense neurons and a smaller batch save memory, but do they
 * lose accuracy? For the dense and batch grids, the smallest setting is compared with the largest
 * on test accuracy (and time and memory are reported beside). The comparison of two settings,
 * with a margin that widens to the seeds' own spread, is shared with F2.
 *
 * @example
 * ```ts
 * import { checkKnob } from "./knob_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * const claim = checkKnob("dense", [], resolveClaimRules(), producingCommands("cpu"));
 * claim.verdict; // "not_enough_runs"
 * ```
 * @module
 */
import { formatBytes } from "../util/format.ts";
import type { AblationRun } from "./ablation_runs.ts";
import type { Claim, ResolvedClaimRules } from "./claim.ts";
import type { ProducingCommands } from "./commands.ts";
import { formatPercent, formatPoints, formatSeconds } from "./format.ts";
import { type SettingStats, settingStats } from "./setting_stats.ts";

/**
 * The grids whose cost in accuracy is checked, and how they read.
 *
 * @example
 * ```ts
 * import { KNOB_GRIDS } from "./knob_claims.ts";
 * KNOB_GRIDS.dense.knob; // "denseWidth"
 * ```
 */
export const KNOB_GRIDS = Object.freeze({
  dense: {
    id: "D",
    knob: "denseWidth",
    label: "dense width",
    title: "fewer dense neurons (part of the F1 fix) cost no test accuracy",
  },
  batch: {
    id: "B",
    knob: "batchSize",
    label: "batch size",
    title: "a smaller batch (part of the F1 fix) costs no test accuracy",
  },
});

/**
 * The "?" reason when no compared run learned.
 *
 * @example
 * ```ts
 * import { NOTHING_LEARNED } from "./knob_claims.ts";
 * NOTHING_LEARNED.startsWith("No run"); // true
 * ```
 */
export const NOTHING_LEARNED =
  "No run of either setting ended ok (all stuck at chance or diverged), so their accuracies say nothing about the knob.";

/** Two settings' accuracies compared. */
export interface AccuracyComparison {
  /** `to.accuracy - from.accuracy`. */
  difference: number;
  /** The larger of the rule's margin and either setting's seed spread. */
  margin: number;
  /** Both settings have at least `minSeeds` accuracies. */
  enoughSeeds: boolean;
  /**
   * Some run of either setting ended ok. When none did, both are models that never learned and
   * their accuracies say nothing about the knob.
   */
  anyLearned: boolean;
}

/**
 * Compares the mean test accuracy of `to` with that of `from`.
 *
 * @example
 * ```ts
 * import { compareAccuracy } from "./knob_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * // compareAccuracy(settings[0], settings.at(-1), resolveClaimRules()).difference;
 * ```
 */
export function compareAccuracy(
  from: SettingStats,
  to: SettingStats,
  rules: ResolvedClaimRules,
): AccuracyComparison {
  return {
    difference: to.accuracy - from.accuracy,
    margin: Math.max(
      rules.accuracyMargin,
      from.accuracySpread || 0,
      to.accuracySpread || 0,
    ),
    enoughSeeds: from.accuracies.length >= rules.minSeeds &&
      to.accuracies.length >= rules.minSeeds,
    anyLearned: [...from.runs, ...to.runs].some((r) =>
      r.summary.status === "ok"
    ),
  };
}

/**
 * The rule text of a comparison, for a claim.
 *
 * @example
 * ```ts
 * import { comparisonRule } from "./knob_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * comparisonRule(resolveClaimRules()); // "mean test accuracy over seeds (≥ 2 per setting) ..."
 * ```
 */
export function comparisonRule(rules: ResolvedClaimRules): string {
  return `mean final test accuracy over seeds (≥ ${rules.minSeeds} per setting); "no change" ` +
    `means a difference within ${
      formatPoints(rules.accuracyMargin).replace("+", "")
    } or within the seeds' own spread, whichever is larger.`;
}

/**
 * Checks the dense or batch grid (its finished runs in `runs`): smallest setting against largest.
 *
 * @example
 * ```ts
 * import { checkKnob } from "./knob_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * checkKnob("batch", [], resolveClaimRules(), producingCommands("cpu")).id; // "B"
 * ```
 */
export function checkKnob(
  grid: keyof typeof KNOB_GRIDS,
  runs: readonly AblationRun[],
  rules: ResolvedClaimRules,
  commands: ProducingCommands,
): Claim {
  const info = KNOB_GRIDS[grid];
  const settings = settingStats(runs);
  const trained = settings.filter((s) => s.accuracies.length > 0);
  const base = {
    id: info.id,
    title: info.title,
    rule:
      `the smallest ${info.label} is compared with the largest: ✓ when it is not worse ` +
      `by more than the margin; ${comparisonRule(rules)}`,
    evidence: settings.map((s) =>
      `${info.label} ${s.value}: ${settingOutcome(s)}`
    ),
  };
  if (trained.length < 2) {
    return {
      ...base,
      verdict: "not_enough_runs",
      statement: `The ${grid} grid has ${trained.length} ${info.label} setting${
        trained.length === 1 ? "" : "s"
      } with finished training; two are needed.`,
      next: commands.ablate,
    };
  }
  const low = trained[0];
  const high = trained[trained.length - 1];
  const comparison = compareAccuracy(high, low, rules);
  const change = `${info.label} ${high.value} → ${low.value}: test accuracy ${
    formatPercent(high.accuracy)
  } → ${formatPercent(low.accuracy)} (${
    formatPoints(comparison.difference)
  }), time per epoch ${formatSeconds(high.epochSeconds)} → ${
    formatSeconds(low.epochSeconds)
  }${
    Number.isFinite(high.predictedPeakBytes)
      ? `, predicted peak memory ${formatBytes(high.predictedPeakBytes)} → ${
        formatBytes(low.predictedPeakBytes)
      }`
      : ""
  }.`;
  if (!comparison.enoughSeeds || !comparison.anyLearned) {
    return {
      ...base,
      verdict: "not_enough_runs",
      statement: `${change} ${
        comparison.anyLearned
          ? `Too few seeds to tell a change from noise (need ${rules.minSeeds} per setting).`
          : NOTHING_LEARNED
      }`,
      next: commands.ablate,
    };
  }
  const free = comparison.difference >= -comparison.margin;
  const margin = formatPoints(comparison.margin).replace("+", "");
  return {
    ...base,
    verdict: free ? "reproduced" : "not_reproduced",
    statement: `${change} ${
      !free
        ? `Worse by more than the margin of ${margin}: the fix costs accuracy.`
        : comparison.difference > comparison.margin
        ? `Better by more than the margin of ${margin}: the fix costs no accuracy.`
        : `Within the margin of ${margin}: the fix is free in accuracy.`
    }`,
  };
}

/**
 * "31.8% (2 seeds, spread 0.8%), 12.1 s per epoch, predicted peak …": a setting's test accuracy
 * over its seeds, its time per epoch and its memory, as every knob's evidence lists them.
 *
 * @example
 * ```ts
 * import { settingOutcome } from "./knob_claims.ts";
 * import { settingStats } from "./setting_stats.ts";
 * settingStats([]).map(settingOutcome); // []
 * ```
 */
export function settingOutcome(s: SettingStats): string {
  return `${formatPercent(s.accuracy)} (${s.accuracies.length} seeds, spread ${
    formatPercent(s.accuracySpread)
  }), ${formatSeconds(s.epochSeconds)} per epoch${memoryNote(s)}`;
}

/**
 * ", predicted peak 1.2 GiB, measured 1.3 GiB" for a setting, or "" without memory records.
 *
 * @example
 * ```ts
 * import { memoryNote } from "./knob_claims.ts";
 * import { settingStats } from "./setting_stats.ts";
 * settingStats([]).map(memoryNote); // []
 * ```
 */
export function memoryNote(s: SettingStats): string {
  const parts = [
    Number.isFinite(s.predictedPeakBytes)
      ? `predicted peak ${formatBytes(s.predictedPeakBytes)}`
      : "",
    Number.isFinite(s.measuredPeakBytes)
      ? `measured ${formatBytes(s.measuredPeakBytes)}`
      : "",
  ].filter(Boolean);
  return parts.length > 0 ? `, ${parts.join(", ")}` : "";
}
