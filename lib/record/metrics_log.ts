/**
 * `metrics.jsonl`: one JSON object a line, appended as training goes — per-step loss and
 * per-epoch metrics. Each line is written with a single append, so a run killed mid-way leaves
 * whole lines (at most the last one is cut, and {@linkcode readMetricsLog} skips a cut last line).
 *
 * @example
 * ```ts
 * import { MetricsLog, readMetricsLog } from "./metrics_log.ts";
 * const log = await MetricsLog.open("results/runs/manual/metrics.jsonl");
 * await log.append({ type: "step", step: 1, epoch: 1, loss: 2.31 });
 * await log.close();
 * const rows = await readMetricsLog("results/runs/manual/metrics.jsonl");
 * ```
 * @module
 */
import { mkdir, open, readFile } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";

/** One line of the log: `type` says what it is ("step", "epoch", ...). */
export interface MetricsRecord {
  type: string;
  [key: string]: unknown;
}

/** An append-only JSON-lines file. */
export class MetricsLog {
  readonly #file: FileHandle;
  readonly path: string;

  private constructor(file: FileHandle, filePath: string) {
    this.#file = file;
    this.path = filePath;
  }

  /** Opens (creating, with its directory) `filePath` for appending. */
  static async open(filePath: string): Promise<MetricsLog> {
    await mkdir(path.dirname(filePath), { recursive: true });
    return new MetricsLog(await open(filePath, "a"), filePath);
  }

  /** Appends one record as one line; non-finite numbers are written as null (JSON has no NaN). */
  async append(record: MetricsRecord): Promise<void> {
    await this.#file.appendFile(`${JSON.stringify(record, finiteOrNull)}\n`);
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.#file.close();
  }
}

function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value) ? null : value;
}

/** Reads a metrics log back; a last line cut short by a killed run is skipped. */
export async function readMetricsLog(
  filePath: string,
): Promise<MetricsRecord[]> {
  const lines = (await readFile(filePath, "utf8")).split("\n").filter((line) =>
    line.length > 0
  );
  const records: MetricsRecord[] = [];
  for (const [index, line] of lines.entries()) {
    try {
      records.push(JSON.parse(line));
    } catch (error) {
      if (index === lines.length - 1) break;
      throw new Error(
        `${filePath}: line ${index + 1} is not JSON (${
          (error as Error).message
        })`,
      );
    }
  }
  return records;
}
