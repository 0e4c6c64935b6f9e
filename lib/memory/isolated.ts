/**
 * Measures a config's training memory in a child process: the child gets a fresh wasm heap (the
 * heap never shrinks, so in-process figures would carry the previous config's high-water mark),
 * and a native abort — XNNPACK failing to allocate aborts the wasm module — ends only the child.
 * The parent turns every ending into a result: the child's measurement, `oom` when its stderr
 * says it ran out of memory, `error` otherwise.
 *
 * @example
 * ```ts
 * import { resolveTrainConfig } from "../train/config.ts";
 * import { measureInChildProcess } from "./isolated.ts";
 * const config = resolveTrainConfig({ batchSize: 4, model: { widthMultiplier: 0.25 } });
 * const measured = await measureInChildProcess(config, { backend: "wasm" });
 * console.log(measured.status, measured.tensorPeakBytes, measured.heapBytes);
 * ```
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { BackendName } from "../backend/select.ts";
import { projectRoot } from "../data/project.ts";
import type { TrainConfig } from "../train/config.ts";
import type { MemoryMeasurement } from "./measure.ts";
import { outOfMemoryInText } from "./out_of_memory.ts";

/**
 * Precedes the child's result line on stdout, so other output cannot be mistaken for it.
 *
 * @example
 * ```ts
 * import { MEASUREMENT_MARKER } from "./isolated.ts";
 * `${MEASUREMENT_MARKER}{"status":"ok"}`.startsWith(MEASUREMENT_MARKER); // true
 * ```
 */
export const MEASUREMENT_MARKER = "@@memory-measurement ";

/**
 * What the parent asks the child (measure_child.ts) to measure.
 *
 * @example
 * ```ts
 * import type { ChildRequest } from "./isolated.ts";
 * import { resolveTrainConfig } from "../train/config.ts";
 * const request: ChildRequest = { config: resolveTrainConfig(), backend: "wasm", steps: 2 };
 * ```
 */
export interface ChildRequest {
  /** The resolved training config. */
  config: TrainConfig;
  /** The backend to measure on. */
  backend: BackendName | "auto";
  /** Training steps; the last one is measured. */
  steps?: number;
  /** A memory budget in bytes, as in `measureTrainingMemory`. */
  budgetBytes?: number;
}

/** Options of {@linkcode measureInChildProcess}. */
export interface IsolatedMeasureOptions {
  /** The backend the child measures on. Default "wasm". */
  backend?: BackendName | "auto";
  /** Training steps; the last one is measured. Default 2 (a steady-state step). */
  steps?: number;
  /** A memory budget in bytes, as in `measureTrainingMemory`. */
  budgetBytes?: number;
  /** Kill the child after this long and report `error`. Default 600 s. */
  timeoutSeconds?: number;
}

/** A measurement from a child process; `error` and a crash's `oom` carry no byte counts. */
export interface IsolatedMeasurement extends Omit<MemoryMeasurement, "status"> {
  /** `ok`, `oom` (measured, or the child died of it) or `error` (the child failed otherwise). */
  status: "ok" | "oom" | "error";
  /** True when the child died without reporting (a native abort, a kill, a timeout). */
  crashed: boolean;
  /** Wall time of the child process, start-up included. */
  processSeconds: number;
}

/**
 * Measures `config` in a fresh child process of this runtime (Deno, or Node with the same
 * loader flags) and resolves with its result; it never rejects for what happens in the child.
 *
 * @example
 * ```ts
 * import { resolveTrainConfig } from "../train/config.ts";
 * import { measureInChildProcess } from "./isolated.ts";
 * // The seed's network at 224x224: the wasm heap (4 GiB) runs out in the second step.
 * const seed = resolveTrainConfig({ batchSize: 1, model: { inputSize: 224, denseWidth: 4096 } });
 * const result = await measureInChildProcess(seed, { backend: "wasm" });
 * result.status; // "oom"
 * result.requestedBytes; // 411_041_792: a 25088 x 4096 dense kernel's worth
 * ```
 */
export function measureInChildProcess(
  config: TrainConfig,
  options: IsolatedMeasureOptions = {},
): Promise<IsolatedMeasurement> {
  const backend = options.backend ?? "wasm";
  const request: ChildRequest = {
    config,
    backend,
    steps: options.steps,
    budgetBytes: options.budgetBytes,
  };
  const script = fileURLToPath(new URL("./measure_child.ts", import.meta.url));
  const args = process.versions.deno !== undefined
    ? ["run", "--allow-all", "--quiet", script, JSON.stringify(request)]
    : [...process.execArgv, script, JSON.stringify(request)];
  const timeoutMs = (options.timeoutSeconds ?? 600) * 1000;
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: projectRoot(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (text) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text) => {
      stderr = (stderr + text).slice(-16_384);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const finish = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      const processSeconds = (performance.now() - started) / 1000;
      const line = stdout.split("\n").find((l) =>
        l.startsWith(MEASUREMENT_MARKER)
      );
      if (line !== undefined) {
        const measured = JSON.parse(
          line.slice(MEASUREMENT_MARKER.length),
        ) as MemoryMeasurement;
        resolve({ ...measured, crashed: false, processSeconds });
        return;
      }
      const ending = timedOut
        ? `timed out after ${timeoutMs / 1000} s`
        : signal !== null
        ? `killed by ${signal}`
        : `exited with code ${code}`;
      const oom = outOfMemoryInText(stderr);
      resolve({
        status: oom ? "oom" : "error",
        backend,
        steps: 0,
        tensorPeakBytes: null,
        bufferPeakBytes: null,
        heapBytes: null,
        rssBytes: 0,
        stepSeconds: null,
        requestedBytes: oom?.requestedBytes ?? null,
        message: `child ${ending}: ${oom?.message ?? errorLine(stderr)}`,
        crashed: true,
        processSeconds,
      });
    };
    child.on("error", (error) => {
      stderr += `\n${error.message}`;
      finish(null, null);
    });
    child.on("close", finish);
  });
}

/** Terminal colour codes, which Deno puts around its error lines. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** The line of `text` that names the error (the first mentioning one), else its last line. */
function errorLine(text: string): string {
  const lines = text.replace(ANSI_COLOUR, "").split("\n").map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("at "));
  return lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? "(no output)";
}
