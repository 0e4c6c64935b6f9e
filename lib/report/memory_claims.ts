/**
 * Finding F1 checked: "at 224×224 input VGG16 ran out of memory on a 4 GB GPU; fewer dense
 * neurons, a smaller batch and a smaller input fixed it". F1a: the memory model puts the seed's
 * setting over 4 GiB, and the model is trusted only when measurements agree with it or a real run
 * ran out of memory. F1b: each of the three knobs, lowered alone from the seed's setting, saves
 * memory, and some combination of them fits 4 GiB.
 *
 * @example
 * ```ts
 * import { checkMemory } from "./memory_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * const check = checkMemory({ problems: [] }, [], resolveClaimRules(), producingCommands("cpu"));
 * check.claims[0].verdict; // "not_enough_runs": no frontier yet
 * ```
 * @module
 */
import { formatBytes } from "../util/format.ts";
import type { AblationRun } from "./ablation_runs.ts";
import type { Claim, ResolvedClaimRules } from "./claim.ts";
import type { ProducingCommands } from "./commands.ts";
import { formatGiB, formatNumber } from "./format.ts";
import type {
  FrontierRow,
  MemoryResults,
  OomRecord,
} from "./memory_results.ts";
import { median } from "./stats.ts";

/**
 * The seed project's setting: VGG16 at 224×224 with two 4096-unit dense layers.
 *
 * @example
 * ```ts
 * import { SEED_SETTING } from "./memory_claims.ts";
 * SEED_SETTING.input; // 224
 * ```
 */
export const SEED_SETTING = Object.freeze({
  variant: "vgg16",
  input: 224,
  dense: 4096,
  /** Used when the frontier has it; else the largest batch it has at the seed's other values. */
  batch: 64,
  /**
   * The seed's SGD with momentum, as the frontier names it ("momentum"; "sgd" in older tables);
   * the frontier's first optimizer when it has neither.
   */
  optimizers: Object.freeze(["momentum", "sgd"]),
});

/**
 * The three knobs of the seed's fix, as frontier fields.
 *
 * @example
 * ```ts
 * import { FIX_KNOBS } from "./memory_claims.ts";
 * FIX_KNOBS.length; // 3
 * ```
 */
export const FIX_KNOBS = Object.freeze(["dense", "batch", "input"] as const);

/** One knob lowered alone from the seed's setting. */
export interface KnobSaving {
  knob: (typeof FIX_KNOBS)[number];
  value: number;
  predictedPeakBytes: number;
  savedBytes: number;
  /** Of the seed's predicted peak, in percent. */
  savedPct: number;
  fits: FrontierRow["fits"];
}

/** What {@linkcode checkMemory} found. */
export interface MemoryCheck {
  /** The frontier row of the seed's setting, when the frontier has one. */
  seed?: FrontierRow;
  /** The frontier restricted to the seed's variant and optimizer. */
  frontier: FrontierRow[];
  /** Every single-knob reduction the frontier holds, by knob then value (descending). */
  savings: KnobSaving[];
  /** The combination of the three knobs that fits 4 GiB with the least memory given up. */
  gentlestFit?: FrontierRow;
  claims: [Claim, Claim];
}

/**
 * Checks F1 on the memory model's outputs and the ablation runs that ended `oom`.
 *
 * @example
 * ```ts
 * import { checkMemory } from "./memory_claims.ts";
 * import { loadMemoryResults } from "./memory_results.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * const memory = await loadMemoryResults("results");
 * checkMemory(memory, [], resolveClaimRules(), producingCommands("cpu")).seed?.predictedPeakBytes;
 * ```
 */
export function checkMemory(
  memory: MemoryResults,
  runs: readonly AblationRun[],
  rules: ResolvedClaimRules,
  commands: ProducingCommands,
): MemoryCheck {
  const frontier = seedFrontier(memory.frontier ?? []);
  const seed = findSeed(frontier);
  const budget = formatGiB(rules.seedBudgetBytes).replace(".00", "");
  const fitsBudget = (row: FrontierRow) =>
    row.predictedPeakBytes <= rules.seedBudgetBytes;
  const savings = seed ? knobSavings(seed, frontier) : [];
  const fitting = seed
    ? frontier.filter((r) =>
      r.dense <= seed.dense && r.batch <= seed.batch &&
      r.input <= seed.input && fitsBudget(r)
    ).sort((a, b) => b.predictedPeakBytes - a.predictedPeakBytes)
    : [];
  return {
    seed,
    frontier,
    savings,
    gentlestFit: fitting[0],
    claims: [
      seedClaim(memory, runs, seed, rules, commands, budget),
      fixClaim(seed, savings, fitting[0], commands, budget, fitsBudget),
    ],
  };
}

function seedFrontier(rows: readonly FrontierRow[]): FrontierRow[] {
  const variant = rows.filter((r) => r.variant === SEED_SETTING.variant);
  const optimizers = [...new Set(variant.map((r) => r.optimizer))];
  const optimizer =
    SEED_SETTING.optimizers.find((o) => optimizers.includes(o)) ??
      optimizers[0];
  return variant.filter((r) => r.optimizer === optimizer);
}

function findSeed(frontier: readonly FrontierRow[]): FrontierRow | undefined {
  const candidates = frontier.filter((r) =>
    r.input === SEED_SETTING.input && r.dense === SEED_SETTING.dense
  ).sort((a, b) => b.batch - a.batch);
  return candidates.find((r) => r.batch === SEED_SETTING.batch) ??
    candidates[0];
}

function knobSavings(
  seed: FrontierRow,
  frontier: readonly FrontierRow[],
): KnobSaving[] {
  return FIX_KNOBS.flatMap((knob) =>
    frontier.filter((r) =>
      r[knob] < seed[knob] &&
      FIX_KNOBS.every((other) => other === knob || r[other] === seed[other])
    ).sort((a, b) => b[knob] - a[knob]).map((r) => ({
      knob,
      value: r[knob],
      predictedPeakBytes: r.predictedPeakBytes,
      savedBytes: seed.predictedPeakBytes - r.predictedPeakBytes,
      savedPct: (seed.predictedPeakBytes - r.predictedPeakBytes) /
        seed.predictedPeakBytes * 100,
      fits: r.fits,
    }))
  );
}

function describe(row: FrontierRow): string {
  return `${row.variant} at ${row.input}×${row.input}, dense ${row.dense}, batch ${row.batch} (${row.optimizer})`;
}

/**
 * True for an out-of-memory record that really happened: not a "budget" replay, which only
 * compares the prediction with a budget.
 *
 * @example
 * ```ts
 * import { isRealOom } from "./memory_claims.ts";
 * isRealOom({ spec: {}, status: "oom", requestedBytes: 1, predictedPeakBytes: 2,
 *   backend: "budget", message: "" }); // false
 * ```
 */
export function isRealOom(record: OomRecord): boolean {
  return record.backend !== "budget";
}

/**
 * True when an OOM record ran the seed's network (VGG16, 224×224, dense 4096), at any batch.
 *
 * @example
 * ```ts
 * import { isSeedNetwork } from "./memory_claims.ts";
 * isSeedNetwork({ train: { model: { variant: "vgg16", inputSize: 224, denseWidth: 4096 } } }); // true
 * ```
 */
export function isSeedNetwork(spec: Record<string, unknown>): boolean {
  const model = (spec.train as { model?: Record<string, unknown> } | undefined)
    ?.model;
  return model?.variant === SEED_SETTING.variant &&
    model?.inputSize === SEED_SETTING.input &&
    model?.denseWidth === SEED_SETTING.dense;
}

function batchOf(spec: Record<string, unknown>): number | undefined {
  return (spec.train as { batchSize?: number } | undefined)?.batchSize;
}

function seedClaim(
  memory: MemoryResults,
  runs: readonly AblationRun[],
  seed: FrontierRow | undefined,
  rules: ResolvedClaimRules,
  commands: ProducingCommands,
  budget: string,
): Claim {
  const base = {
    id: "F1a",
    title: `VGG16 at 224×224 with 4096 dense neurons does not fit ${budget}`,
    rule:
      `✓ when the seed's network really ran out of memory (any batch up to the seed's; an ` +
      `OOM on a device of ${budget} or more means it needs more), or when the memory model, ` +
      `validated by a median |error| ≤ ${rules.maxMemoryErrorPct}% against measured peaks, ` +
      `predicts more than ${budget} for the seed's setting; ✗ when the validated model predicts ` +
      `it fits and no real run ran out; replays of the prediction against a budget are not evidence.`,
  };
  const errors = (memory.agreement ?? []).map((r) => Math.abs(r.errorPct));
  const medianError = median(errors);
  const ooms = memory.ooms ?? [];
  const seedBatch = seed?.batch ?? SEED_SETTING.batch;
  const realSeedOoms = ooms.filter((o) =>
    isRealOom(o) && isSeedNetwork(o.spec) && (batchOf(o.spec) ?? 1) <= seedBatch
  );
  const evidence: string[] = [];
  if (seed) {
    evidence.push(
      `memory model: ${describe(seed)} needs ${
        formatGiB(seed.predictedPeakBytes)
      } at the peak`,
    );
  }
  if (errors.length > 0) {
    evidence.push(
      `memory model vs measurement: median |error| ${
        formatNumber(medianError, 2)
      }%, max ${
        formatNumber(Math.max(...errors), 2)
      }% over ${errors.length} settings`,
    );
  }
  for (const oom of ooms) {
    evidence.push(
      `${
        isRealOom(oom)
          ? "out of memory"
          : "budget replay (a prediction, not a run)"
      } on ${oom.backend}: ${oomSetting(oom.spec)}, ${
        oom.requestedBytes === null
          ? "allocation size unknown"
          : `${isRealOom(oom) ? "failed allocating" : "peak"} ${
            formatGiB(oom.requestedBytes)
          }`
      } (predicted peak ${formatGiB(oom.predictedPeakBytes)})`,
    );
  }
  for (const run of runs.filter((r) => r.summary.status === "oom")) {
    evidence.push(
      `ablation run ${run.dir} ended oom: ${run.summary.statusReason}`,
    );
  }
  const validated = errors.length > 0 &&
    medianError <= rules.maxMemoryErrorPct;
  if (realSeedOoms.length > 0) {
    const first = realSeedOoms[0];
    return {
      ...base,
      verdict: "reproduced",
      statement: `The seed's network at 224×224 really ran out of memory: ${
        oomSetting(first.spec)
      } on ${first.backend} failed${
        first.requestedBytes === null
          ? ""
          : ` allocating ${formatGiB(first.requestedBytes)}`
      }${
        seed
          ? `; the memory model puts the seed's batch ${seed.batch} at ${
            formatGiB(seed.predictedPeakBytes)
          }${
            validated
              ? ` (median error ${
                formatNumber(medianError, 2)
              }% over ${errors.length} measured settings)`
              : ""
          }`
          : ""
      }.`,
      evidence,
    };
  }
  if (!seed) {
    return {
      ...base,
      verdict: "not_enough_runs",
      statement: memory.frontier === undefined
        ? "No real out-of-memory run of the seed's network, and the memory frontier has not been computed."
        : `No real out-of-memory run of the seed's network, and the memory frontier has no ${SEED_SETTING.variant} setting at input ${SEED_SETTING.input} with dense ${SEED_SETTING.dense}.`,
      evidence,
      next: commands.memory,
    };
  }
  const prediction = `The memory model predicts ${
    formatGiB(seed.predictedPeakBytes)
  } at the peak for ${describe(seed)}`;
  if (!validated) {
    return {
      ...base,
      verdict: "not_enough_runs",
      statement: `${prediction}, but the model is not validated: ${
        errors.length === 0
          ? "no measured peaks to compare with"
          : `its median error is ${formatNumber(medianError, 2)}%`
      }, and no real run of the seed's network ran out of memory.`,
      evidence,
      next: commands.memory,
    };
  }
  const over = seed.predictedPeakBytes > rules.seedBudgetBytes;
  return {
    ...base,
    verdict: over ? "reproduced" : "not_reproduced",
    statement: `${prediction}, ${
      over ? "over" : "within"
    } the ${budget} of a GTX 1050 Ti; the model is within ${
      formatNumber(medianError, 2)
    }% (median) of ${errors.length} measured peaks.`,
    evidence,
  };
}

/**
 * A record's setting in words: "vgg16 ×1 at 224×224, dense 4096, batch 1 (child process)".
 *
 * @example
 * ```ts
 * import { oomSetting } from "./memory_claims.ts";
 * oomSetting({ budget: "gtx1050ti" }); // "budget gtx1050ti"
 * ```
 */
export function oomSetting(spec: Record<string, unknown>): string {
  const train = spec.train as
    | {
      model?: {
        variant?: string;
        widthMultiplier?: number;
        inputSize?: number;
        denseWidth?: number;
      };
      batchSize?: number;
    }
    | undefined;
  const m = train?.model;
  const rest = Object.entries(spec).filter(([k, v]) =>
    k !== "train" && (typeof v === "string" || typeof v === "number")
  ).map(([k, v]) =>
    `${k} ${typeof v === "number" && k.endsWith("Bytes") ? formatBytes(v) : v}`
  );
  const network = m
    ? `${m.variant} ×${
      m.widthMultiplier ?? 1
    } at ${m.inputSize}×${m.inputSize}, dense ${m.denseWidth}, batch ${train?.batchSize}`
    : "";
  return [network, ...rest].filter(Boolean).join(", ");
}

function fixClaim(
  seed: FrontierRow | undefined,
  savings: readonly KnobSaving[],
  gentlest: FrontierRow | undefined,
  commands: ProducingCommands,
  budget: string,
  fitsBudget: (row: FrontierRow) => boolean,
): Claim {
  const base = {
    id: "F1b",
    title:
      `fewer dense neurons, a smaller batch and a smaller input each save memory, and together fit ${budget}`,
    rule:
      `each knob is lowered alone from the seed's setting (frontier rows equal in the other two); ` +
      `✓ when every knob's smallest value saves memory and some setting with all three at or below ` +
      `the seed's fits ${budget}.`,
  };
  const evidence = FIX_KNOBS.map((knob) => {
    const rows = savings.filter((s) => s.knob === knob);
    return rows.length === 0
      ? `${knob}: no lower value in the frontier`
      : `${knob}: ${
        rows.map((s) =>
          `${s.value} saves ${formatGiB(s.savedBytes)} (${
            formatNumber(s.savedPct, 2)
          }%)`
        ).join(", ")
      }`;
  });
  if (!seed) {
    return {
      ...base,
      verdict: "not_enough_runs",
      statement:
        "Without the seed's setting in the frontier there is nothing to save from.",
      evidence,
      next: commands.memory,
    };
  }
  const missing = FIX_KNOBS.filter((k) => !savings.some((s) => s.knob === k));
  if (missing.length > 0) {
    return {
      ...base,
      verdict: "not_enough_runs",
      statement: `The frontier does not lower ${
        missing.join(", ")
      } alone from the seed's setting.`,
      evidence,
      next: commands.memory,
    };
  }
  const best = FIX_KNOBS.map((knob) =>
    savings.filter((s) => s.knob === knob).at(-1) as KnobSaving
  );
  const aloneEnough = FIX_KNOBS.filter((knob) =>
    savings.some((s) =>
      s.knob === knob &&
      fitsBudget({ ...seed, predictedPeakBytes: s.predictedPeakBytes })
    )
  );
  const allSave = best.every((s) => s.savedBytes > 0);
  const lines = best.map((s) =>
    `${s.knob} ${seed[s.knob]} → ${s.value} saves ${formatGiB(s.savedBytes)} (${
      formatNumber(s.savedPct, 2)
    }%)`
  ).join("; ");
  const statement = `From the seed's ${
    formatGiB(seed.predictedPeakBytes)
  }: ${lines}. ${
    aloneEnough.length > 0
      ? `Lowered alone, ${aloneEnough.join(" or ")} is enough to fit ${budget}.`
      : `No knob alone brings it within ${budget}.`
  } ${
    gentlest
      ? `The fitting setting that gives up least is ${describe(gentlest)}: ${
        formatGiB(gentlest.predictedPeakBytes)
      }.`
      : `No setting in the frontier fits ${budget}.`
  }`;
  return {
    ...base,
    verdict: allSave && gentlest ? "reproduced" : "not_reproduced",
    statement,
    evidence,
  };
}
