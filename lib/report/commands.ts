/**
 * The commands that produce each input of the report, named wherever an input is missing so a
 * reader knows what to run next.
 *
 * @example
 * ```ts
 * import { producingCommands } from "./commands.ts";
 * producingCommands("cpu").ablate; // "deno task ablate --profile cpu"
 * ```
 * @module
 */

/** One command per input of the report. */
export interface ProducingCommands {
  /** The ablation grids (lr, dense, batch, resolution) of a profile. */
  ablate: string;
  /** The memory frontier, predicted-vs-measured table and real OOM runs. */
  memory: string;
  /** The LR range test. */
  lrFind: string;
  /** CIFAR-10 itself (for the upsampling grid). */
  data: string;
  /** This report. */
  report: string;
}

/**
 * The commands for `profile` (the ablation grids' scale).
 *
 * @example
 * ```ts
 * import { producingCommands } from "./commands.ts";
 * producingCommands("smoke").report; // "deno task report --profile smoke"
 * ```
 */
export function producingCommands(profile: string): ProducingCommands {
  return {
    ablate: `deno task ablate --profile ${profile}`,
    memory: "deno task memory",
    lrFind: "deno task lr-find",
    data: "deno task data",
    report: `deno task report --profile ${profile}`,
  };
}
