/**
 * Finding F2 checked, as far as numbers can: "upsampling 32×32 CIFAR images to 224×224 looks
 * poor". The upsampled image holds no detail the 32×32 one lacks, so a larger input should cost
 * compute (about quadratically in the side) without raising test accuracy. From the resolution
 * grid: the largest input that finished training is compared with the smallest on accuracy, with
 * the growth of time per epoch (a power law fitted over all sizes) and of memory beside.
 *
 * @example
 * ```ts
 * import { checkResolution } from "./resolution_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * checkResolution([], resolveClaimRules(), producingCommands("cpu")).claim.verdict;
 * // "not_enough_runs"
 * ```
 * @module
 */
import type { AblationRun } from "./ablation_runs.ts";
import type { Claim, ResolvedClaimRules } from "./claim.ts";
import type { ProducingCommands } from "./commands.ts";
import {
  formatNumber,
  formatPercent,
  formatPoints,
  formatSeconds,
} from "./format.ts";
import {
  compareAccuracy,
  comparisonRule,
  NOTHING_LEARNED,
  settingOutcome,
} from "./knob_claims.ts";
import {
  formatStatuses,
  type SettingStats,
  settingStats,
} from "./setting_stats.ts";
import { powerLawExponent } from "./stats.ts";

/** What {@linkcode checkResolution} found. */
export interface ResolutionCheck {
  settings: SettingStats[];
  /** Fitted k of time per epoch ∝ side^k; NaN with fewer than two sizes. */
  timeExponent: number;
  claim: Claim;
}

/**
 * Checks F2 on the resolution grid's finished runs.
 *
 * @example
 * ```ts
 * import { checkResolution } from "./resolution_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * checkResolution([], resolveClaimRules(), producingCommands("cpu")).timeExponent; // NaN
 * ```
 */
export function checkResolution(
  runs: readonly AblationRun[],
  rules: ResolvedClaimRules,
  commands: ProducingCommands,
): ResolutionCheck {
  const settings = settingStats(runs);
  const trained = settings.filter((s) => s.accuracies.length > 0);
  const timeExponent = powerLawExponent(
    trained.map((s) => s.value),
    trained.map((s) => s.epochSeconds),
  );
  const base = {
    id: "F2",
    title:
      "upsampled 32×32 images carry no new detail: larger inputs cost about quadratically more time without raising accuracy",
    rule:
      `the largest input size that finished training is compared with the smallest: ✓ when ` +
      `its test accuracy is not higher by more than the margin; ${
        comparisonRule(rules)
      } Time ` +
      `per epoch is fitted as c·side^k over all sizes.`,
    evidence: settings.map((s) =>
      `input ${s.value}×${s.value}: ${
        formatStatuses(s.statuses)
      }; test accuracy ${settingOutcome(s)}`
    ),
  };
  if (trained.length < 2) {
    return {
      settings,
      timeExponent,
      claim: {
        ...base,
        verdict: "not_enough_runs",
        statement: `The resolution grid has ${trained.length} input size${
          trained.length === 1 ? "" : "s"
        } with finished training; two are needed.`,
        next: commands.ablate,
      },
    };
  }
  const small = trained[0];
  const large = trained[trained.length - 1];
  const comparison = compareAccuracy(small, large, rules);
  const memoryRatio = large.predictedPeakBytes / small.predictedPeakBytes;
  const cost =
    `From ${small.value}×${small.value} to ${large.value}×${large.value} input, time per epoch grows ${
      formatNumber(large.epochSeconds / small.epochSeconds, 3)
    }× (${formatSeconds(small.epochSeconds)} → ${
      formatSeconds(large.epochSeconds)
    }; fitted ∝ side^${formatNumber(timeExponent, 2)})${
      Number.isFinite(memoryRatio)
        ? ` and predicted peak memory ${formatNumber(memoryRatio, 3)}×`
        : ""
    }; test accuracy goes ${formatPercent(small.accuracy)} → ${
      formatPercent(large.accuracy)
    } (${formatPoints(comparison.difference)}).`;
  if (!comparison.enoughSeeds || !comparison.anyLearned) {
    return {
      settings,
      timeExponent,
      claim: {
        ...base,
        verdict: "not_enough_runs",
        statement: `${cost} ${
          comparison.anyLearned
            ? `Too few seeds to tell a change from noise (need ${rules.minSeeds} per size).`
            : NOTHING_LEARNED
        }`,
        next: commands.ablate,
      },
    };
  }
  const noGain = comparison.difference <= comparison.margin;
  const margin = formatPoints(comparison.margin).replace("+", "");
  return {
    settings,
    timeExponent,
    claim: {
      ...base,
      verdict: noGain ? "reproduced" : "not_reproduced",
      statement: `${cost} ${
        noGain
          ? `Within the margin of ${margin}: the extra pixels buy no accuracy.`
          : `Beyond the margin of ${margin}: here the larger input does raise accuracy, even though its pixels add no detail.`
      }`,
    },
  };
}
