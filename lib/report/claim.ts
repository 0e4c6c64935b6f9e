/**
 * A finding of the seed project restated as a claim that the data either supports or not. A claim
 * is computed from result files, never written by hand: its verdict, its one-sentence statement,
 * the rule that decided the verdict, and the numbers it was decided on.
 *
 * @example
 * ```ts
 * import { type Claim, verdictMark } from "./claim.ts";
 * const claim: Claim = {
 *   id: "F3",
 *   title: "too large a learning rate leaves the loss stuck at ln 10",
 *   verdict: "not_enough_runs",
 *   statement: "The lr grid has no runs yet.",
 *   rule: "every seed at lr >= X is stuck_at_chance",
 *   evidence: [],
 *   next: "deno task ablate --profile cpu",
 * };
 * verdictMark(claim.verdict); // "?"
 * ```
 * @module
 */

/** What the data says about a claim. */
export type Verdict = "reproduced" | "not_reproduced" | "not_enough_runs";

/** One checked claim. */
export interface Claim {
  /** Short id: "F1a", "F2", "F3", ... */
  id: string;
  /** The seed's finding in a few words. */
  title: string;
  verdict: Verdict;
  /** One or two sentences, with the numbers, that say what the data shows. */
  statement: string;
  /** The rule that turned the data into the verdict. */
  rule: string;
  /** The numbers the verdict rests on, one line each. */
  evidence: string[];
  /** The command that produces the missing or additional runs, when more are needed. */
  next?: string;
}

/** How claims are decided; every field has a default in {@linkcode resolveClaimRules}. */
export interface ClaimRules {
  /**
   * Fewest seeds per setting before an accuracy comparison (F2, dense, batch) gets a verdict
   * other than "?": one seed cannot tell a change from seed noise. Default 2.
   */
  minSeeds?: number;
  /**
   * Fewest seeds per learning rate at and above the stuck threshold for F3. Stuck at ln 10 is an
   * all-or-nothing outcome of each run, and the claim counts the runs it rests on. Default 1.
   */
  minStuckSeeds?: number;
  /**
   * Accuracy difference (fraction, 0.02 = 2 points) still counted as "no change", unless the
   * seeds of either setting are spread wider. Default 0.02.
   */
  accuracyMargin?: number;
  /** Largest median |error| (percent) for which the memory model counts as validated. Default 25. */
  maxMemoryErrorPct?: number;
  /** The budget of the seed's GPU, in bytes. Default 4 GiB (GTX 1050 Ti). */
  seedBudgetBytes?: number;
}

/** Every {@linkcode ClaimRules} field filled in. */
export type ResolvedClaimRules = Required<ClaimRules>;

/**
 * Fills in the defaults of {@linkcode ClaimRules}.
 *
 * @example
 * ```ts
 * import { resolveClaimRules } from "./claim.ts";
 * resolveClaimRules({ minSeeds: 3 }).accuracyMargin; // 0.02
 * ```
 */
export function resolveClaimRules(rules: ClaimRules = {}): ResolvedClaimRules {
  return {
    minSeeds: rules.minSeeds ?? 2,
    minStuckSeeds: rules.minStuckSeeds ?? 1,
    accuracyMargin: rules.accuracyMargin ?? 0.02,
    maxMemoryErrorPct: rules.maxMemoryErrorPct ?? 25,
    seedBudgetBytes: rules.seedBudgetBytes ?? 4 * 1024 ** 3,
  };
}

const MARKS: Record<Verdict, string> = {
  reproduced: "✓",
  not_reproduced: "✗",
  not_enough_runs: "?",
};

const WORDS: Record<Verdict, string> = {
  reproduced: "reproduced",
  not_reproduced: "not reproduced",
  not_enough_runs: "not enough runs",
};

/**
 * The verdict's mark: ✓, ✗ or ?.
 *
 * @example
 * ```ts
 * import { verdictMark } from "./claim.ts";
 * verdictMark("reproduced"); // "✓"
 * ```
 */
export function verdictMark(verdict: Verdict): string {
  return MARKS[verdict];
}

/**
 * The verdict's mark and words: "✓ reproduced", "✗ not reproduced", "? not enough runs".
 *
 * @example
 * ```ts
 * import { verdictLabel } from "./claim.ts";
 * verdictLabel("not_enough_runs"); // "? not enough runs"
 * ```
 */
export function verdictLabel(verdict: Verdict): string {
  return `${MARKS[verdict]} ${WORDS[verdict]}`;
}
