/**
 * Finding F3 checked: "too large a learning rate leaves the loss stuck at 2.3 (ln 10)". From the
 * lr grid, the smallest lr X from which every seed of every larger lr is stuck at chance or
 * diverged (with at least one stuck) is the stuck threshold; the claim holds when each of those
 * lrs has enough seeds and a smaller lr trains. The LR range test is then checked against X: its
 * suggestion should lie below it.
 *
 * @example
 * ```ts
 * import { checkLearningRate } from "./lr_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * const check = checkLearningRate([], [], resolveClaimRules(), producingCommands("cpu"));
 * check.claims[0].verdict; // "not_enough_runs"
 * ```
 * @module
 */
import type { AblationRun } from "./ablation_runs.ts";
import type { Claim, ResolvedClaimRules } from "./claim.ts";
import type { ProducingCommands } from "./commands.ts";
import { formatLr, formatNumber, formatPercent } from "./format.ts";
import type { LrFindResult } from "./lr_find_results.ts";
import {
  formatStatuses,
  isJudged,
  lastWindowLoss,
  type SettingStats,
  settingStats,
} from "./setting_stats.ts";
import { mean } from "./stats.ts";

/**
 * Cross-entropy of a uniform guess over ten classes: the "2.3" of the seed.
 *
 * @example
 * ```ts
 * import { CHANCE_LOSS } from "./lr_claims.ts";
 * CHANCE_LOSS.toFixed(4); // "2.3026"
 * ```
 */
export const CHANCE_LOSS: number = Math.log(10);

const FAILED = new Set(["stuck_at_chance", "diverged"]);

/** What {@linkcode checkLearningRate} found. */
export interface LearningRateCheck {
  /** The lr grid per learning rate, ascending. */
  settings: SettingStats[];
  /** The stuck threshold X, when the data show one. */
  stuckFrom?: number;
  /** F3 (the lr grid) and F3b (the LR range test against it). */
  claims: [Claim, Claim];
}

/**
 * Checks F3 on the lr grid's finished runs (`lrRuns`) and the LR range tests (`lrTests`).
 *
 * @example
 * ```ts
 * import { checkLearningRate } from "./lr_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * checkLearningRate([], [], resolveClaimRules(), producingCommands("cpu")).stuckFrom; // undefined
 * ```
 */
export function checkLearningRate(
  lrRuns: readonly AblationRun[],
  lrTests: readonly LrFindResult[],
  rules: ResolvedClaimRules,
  commands: ProducingCommands,
): LearningRateCheck {
  const settings = settingStats(lrRuns);
  const { claim, stuckFrom } = gridClaim(settings, rules, commands);
  return {
    settings,
    stuckFrom,
    claims: [claim, rangeTestClaim(lrTests, lrRuns, stuckFrom, commands)],
  };
}

const TITLE = "too large a learning rate leaves the loss stuck at ln 10 ≈ 2.3";

function gridClaim(
  settings: SettingStats[],
  rules: ResolvedClaimRules,
  commands: ProducingCommands,
): { claim: Claim; stuckFrom?: number } {
  const tolerance = settings[0]?.runs[0]?.spec.train.stuck?.tolerance ?? 0.02;
  const window = settings[0]?.runs[0]?.spec.train.stuck?.windowSteps ?? 50;
  const rule =
    `X is the smallest lr such that every run at every lr ≥ X ended stuck_at_chance ` +
    `(mean loss of the last ${window} steps no better than chance: ≥ ln 10 − ${tolerance}) or ` +
    `diverged, with at ` +
    `least one stuck; ✓ when each lr ≥ X has ≥ ${rules.minStuckSeeds} seed${
      rules.minStuckSeeds === 1 ? "" : "s"
    }, all trained past the ` +
    `warm-up and window, and a smaller lr ends ok; ✗ when the largest lr, with enough judged ` +
    `seeds, is not stuck in every seed.`;
  const base = { id: "F3", title: TITLE, rule };
  const evidence = settings.map(settingEvidence);
  if (settings.length < 2) {
    return {
      claim: {
        ...base,
        verdict: "not_enough_runs",
        statement: settings.length === 0
          ? "The lr grid has no finished runs."
          : "The lr grid has a single learning rate; nothing to compare.",
        evidence,
        next: commands.ablate,
      },
    };
  }
  let tailStart = settings.length;
  while (tailStart > 0 && allFailed(settings[tailStart - 1])) tailStart--;
  const tail = settings.slice(tailStart);
  const stuckRuns = tail.flatMap((s) => s.runs).filter(isStuck);
  const largest = settings[settings.length - 1];
  if (stuckRuns.length === 0) {
    const thin = largest.runs.length < rules.minStuckSeeds ||
      !largest.runs.every(isJudged);
    const divergedOnly = tail.length > 0;
    return {
      claim: {
        ...base,
        verdict: thin ? "not_enough_runs" : "not_reproduced",
        statement: thin
          ? `At the largest lr, ${formatLr(largest.value)}, ${
            describeThin(largest, rules)
          }; the grid cannot show the loss stuck at chance.`
          : divergedOnly
          ? `No learning rate leaves the loss at ln 10: from lr ${
            formatLr(tail[0].value)
          } up every run diverges (the loss becomes NaN or infinite) instead.`
          : `No learning rate in the grid leaves the loss at ln 10 in every seed: at the largest, ${
            formatLr(largest.value)
          }, the runs ended ${formatStatuses(largest.statuses)}.`,
        evidence,
        next: thin ? commands.ablate : undefined,
      },
    };
  }
  const stuckFrom = tail[0].value;
  const thinTail = tail.filter((s) =>
    s.runs.length < rules.minStuckSeeds || !s.runs.every(isJudged)
  );
  const below = settings.slice(0, tailStart);
  const learning = below.filter((s) =>
    s.runs.every((r) => r.summary.status === "ok" && isJudged(r))
  );
  const steps = Math.min(...stuckRuns.map((r) => r.summary.steps));
  const tailRuns = tail.flatMap((s) => s.runs);
  const diverged = tailRuns.filter((r) => r.summary.status === "diverged");
  const stuckLine = `With lr ≥ ${
    formatLr(stuckFrom)
  } the mean training loss of the last ${window} steps stays at chance (≥ ln 10 − ${tolerance}, ln 10 = ${
    formatNumber(CHANCE_LOSS, 4)
  }) after ${steps} steps in ${stuckRuns.length}/${tailRuns.length} runs (${
    tail.map((s) =>
      `${formatLr(s.value)}: ${s.runs.length} seed${
        s.runs.length === 1 ? "" : "s"
      }`
    ).join(", ")
  })${diverged.length > 0 ? `; the other ${diverged.length} diverged` : ""}.`;
  if (thinTail.length > 0) {
    return {
      stuckFrom,
      claim: {
        ...base,
        verdict: "not_enough_runs",
        statement: `${stuckLine} Too few runs to call it: ${
          thinTail.map((s) =>
            `lr ${formatLr(s.value)} ${describeThin(s, rules)}`
          )
            .join("; ")
        }.`,
        evidence,
        next: commands.ablate,
      },
    };
  }
  if (learning.length === 0) {
    return {
      stuckFrom,
      claim: {
        ...base,
        verdict: "not_enough_runs",
        statement:
          `${stuckLine} But no smaller lr in the grid trains in every seed, so ` +
          `"too large" is not shown: the grid needs smaller learning rates.`,
        evidence,
        next: commands.ablate,
      },
    };
  }
  const best = learning[learning.length - 1];
  return {
    stuckFrom,
    claim: {
      ...base,
      verdict: "reproduced",
      statement: `${stuckLine} At lr ${formatLr(best.value)} it falls to ${
        formatNumber(mean(best.runs.map(lastWindowLoss)), 3)
      } (test accuracy ${
        formatPercent(best.accuracy)
      }, ${best.runs.length}/${best.runs.length} ok).`,
      evidence,
    },
  };
}

function allFailed(s: SettingStats): boolean {
  return s.runs.length > 0 &&
    s.runs.every((r) => FAILED.has(r.summary.status));
}

function isStuck(run: AblationRun): boolean {
  return run.summary.status === "stuck_at_chance";
}

function describeThin(s: SettingStats, rules: ResolvedClaimRules): string {
  const short = s.runs.filter((r) => !isJudged(r));
  if (short.length > 0) {
    const stuck = short[0].spec.train.stuck;
    return `${short.length} of ${s.runs.length} runs are too short to judge (${
      short[0].summary.steps
    } steps < warm-up ${stuck?.warmupSteps ?? 50} + window ${
      stuck?.windowSteps ?? 50
    })`;
  }
  return `only ${s.runs.length} seed${
    s.runs.length === 1 ? "" : "s"
  } (need ${rules.minStuckSeeds})`;
}

function settingEvidence(s: SettingStats): string {
  const losses = s.runs.map(lastWindowLoss);
  const stuckGaps = s.runs.filter(isStuck).map((r) =>
    Math.abs(lastWindowLoss(r) - CHANCE_LOSS)
  ).filter(Number.isFinite);
  const steps = [...new Set(s.runs.map((r) => r.summary.steps))].join("/");
  return `lr ${formatLr(s.value)}: ${
    formatStatuses(s.statuses)
  } of ${s.runs.length}; ` +
    `last-window loss ${formatNumber(mean(losses), 4)}` +
    (stuckGaps.length > 0
      ? ` (stuck runs at most ${
        formatNumber(Math.max(...stuckGaps), 2)
      } from ln 10)`
      : "") +
    `, test accuracy ${formatPercent(s.accuracy)}, ${steps} steps`;
}

function rangeTestClaim(
  tests: readonly LrFindResult[],
  lrRuns: readonly AblationRun[],
  stuckFrom: number | undefined,
  commands: ProducingCommands,
): Claim {
  const base = {
    id: "F3b",
    title: "the LR range test points below the stuck learning rates",
    rule:
      "the range test's valley suggestion (else its steepest-descent one) is compared with the " +
      "lr grid's stuck threshold X: ✓ below X, ✗ at or above it; ? without a test, a suggestion or X.",
  };
  const evidence = tests.map((t) =>
    `${t.name}: valley ${formatLr(t.suggestions.valley ?? NaN)}, steepest ${
      formatLr(t.suggestions.steepest ?? NaN)
    }, ${t.points.length} points, stopped because ${t.stoppedBecause || "?"}${
      configDifference(t, lrRuns)
    }`
  );
  if (tests.length === 0) {
    return {
      ...base,
      verdict: "not_enough_runs",
      statement: "No LR range test has been run.",
      evidence,
      next: commands.lrFind,
    };
  }
  const test = tests.find((t) => configDifference(t, lrRuns) === "") ??
    tests[0];
  const suggestion = test.suggestions.valley ?? test.suggestions.steepest;
  const which = test.suggestions.valley !== null ? "valley" : "steepest";
  if (suggestion === null) {
    return {
      ...base,
      verdict: "not_enough_runs",
      statement:
        `The range test ${test.name} made no suggestion (stopped because ${
          test.stoppedBecause || "?"
        }).`,
      evidence,
      next: commands.lrFind,
    };
  }
  if (stuckFrom === undefined) {
    return {
      ...base,
      verdict: "not_enough_runs",
      statement: `The range test ${test.name} suggests lr ${
        formatLr(suggestion)
      } (${which}); the lr grid shows no stuck threshold to compare it with.`,
      evidence,
      next: commands.ablate,
    };
  }
  const ratio = stuckFrom / suggestion;
  return {
    ...base,
    verdict: suggestion < stuckFrom ? "reproduced" : "not_reproduced",
    statement: suggestion < stuckFrom
      ? `The range test ${test.name} suggests lr ${
        formatLr(suggestion)
      } (${which}), ${formatNumber(ratio, 2)}× below the smallest stuck lr ${
        formatLr(stuckFrom)
      }: following it avoids the plateau.`
      : `The range test ${test.name} suggests lr ${
        formatLr(suggestion)
      } (${which}), at or above the smallest stuck lr ${
        formatLr(stuckFrom)
      }: following it would have led into the plateau.`,
    evidence,
  };
}

/** "" when the range test trained the lr grid's config (lr aside), else "; differs in: ...". */
function configDifference(
  test: LrFindResult,
  lrRuns: readonly AblationRun[],
): string {
  const grid = lrRuns[0]?.spec.train;
  if (!grid) return "";
  const pairs: [string, unknown, unknown][] = [
    ["variant", test.config.model.variant, grid.model.variant],
    ["width", test.config.model.widthMultiplier, grid.model.widthMultiplier],
    ["dense", test.config.model.denseWidth, grid.model.denseWidth],
    ["input", test.config.model.inputSize, grid.model.inputSize],
    ["batch", test.config.batchSize, grid.batchSize],
    ["optimizer", test.config.optimizer, grid.optimizer],
    ["momentum", test.config.momentum, grid.momentum],
  ];
  const differing = pairs.filter(([, a, b]) => a !== b)
    .map(([name, a, b]) => `${name} ${a} vs grid ${b}`);
  return differing.length === 0
    ? ""
    : `; differs from the lr grid's config in ${differing.join(", ")}`;
}
