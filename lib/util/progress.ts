/**
 * A progress bar for long steps (downloads, training epochs). On a terminal it redraws one line;
 * elsewhere (CI logs, notebooks) it prints a plain line at most every `logIntervalMs`, so logs
 * stay short.
 *
 * @example
 * ```ts
 * import { ProgressBar } from "./progress.ts";
 * const bar = new ProgressBar({ total: 100, label: "epoch 1" });
 * for (let i = 1; i <= 100; i++) bar.update(i, { loss: "2.30" });
 * bar.done();
 * ```
 * @module
 */
import process from "node:process";
import { formatDuration } from "./format.ts";

/** Options of {@linkcode ProgressBar}. */
export interface ProgressBarOptions {
  /** Units of work in all (bytes, images); 0 or undefined when unknown. */
  total?: number;
  /** Text before the bar. */
  label?: string;
  /** Renders an amount of work (e.g. bytes as MiB); default: the number itself. */
  formatAmount?: (amount: number) => string;
  /** Unit of the rate ("B/s" from formatAmount, "img/s"); default "/s". */
  rateUnit?: string;
  /** Where the bar goes; default standard error. */
  write?: (text: string) => void;
  /** Redraw in place (a terminal) instead of printing lines; default: stderr is a TTY. */
  interactive?: boolean;
  /** Minimum time between two printed lines when not interactive; default 5000 ms. */
  logIntervalMs?: number;
  /** Clock in ms, injectable for tests; default `performance.now`. */
  now?: () => number;
}

const BAR_WIDTH = 24;

/** A text progress bar with amount, rate and ETA, plus free-form fields (loss, accuracy). */
export class ProgressBar {
  readonly #options: Required<Omit<ProgressBarOptions, "total">> & {
    total: number;
  };
  readonly #start: number;
  #lastPrint = -Infinity;
  #lastLine = "";

  constructor(options: ProgressBarOptions = {}) {
    this.#options = {
      total: options.total ?? 0,
      label: options.label ?? "",
      formatAmount: options.formatAmount ?? ((n) => String(Math.round(n))),
      rateUnit: options.rateUnit ?? "/s",
      write: options.write ?? ((text) => process.stderr.write(text)),
      interactive: options.interactive ?? Boolean(process.stderr.isTTY),
      logIntervalMs: options.logIntervalMs ?? 5000,
      now: options.now ?? (() => performance.now()),
    };
    this.#start = this.#options.now();
  }

  /** The line for `done` units of work and extra fields, as it would be printed. */
  render(done: number, fields: Record<string, string> = {}): string {
    const o = this.#options;
    const elapsed = (o.now() - this.#start) / 1000;
    // Under half a second the rate is noise (one step / ~0 s); show it as unknown.
    const rate = elapsed >= 0.5 ? done / elapsed : NaN;
    const parts: string[] = [];
    if (o.label) parts.push(o.label);
    if (o.total > 0) {
      const fraction = Math.min(1, done / o.total);
      const filled = Math.round(fraction * BAR_WIDTH);
      parts.push(`[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}]`);
      parts.push(`${o.formatAmount(done)}/${o.formatAmount(o.total)}`);
    } else {
      parts.push(o.formatAmount(done));
    }
    parts.push(
      `${Number.isNaN(rate) ? "?" : o.formatAmount(rate)}${o.rateUnit}`,
    );
    for (const [key, value] of Object.entries(fields)) {
      parts.push(`${key} ${value}`);
    }
    if (o.total > 0) {
      const eta = rate > 0 ? Math.max(0, o.total - done) / rate : NaN;
      parts.push(`ETA ${formatDuration(eta)}`);
    }
    parts.push(`elapsed ${formatDuration(elapsed)}`);
    return parts.join("  ");
  }

  /** Reports progress; prints when interactive or when the log interval has passed. */
  update(done: number, fields: Record<string, string> = {}): void {
    const o = this.#options;
    const now = o.now();
    if (!o.interactive && now - this.#lastPrint < o.logIntervalMs) return;
    this.#lastPrint = now;
    this.#lastLine = this.render(done, fields);
    o.write(
      o.interactive ? `\r\x1b[2K${this.#lastLine}` : `${this.#lastLine}\n`,
    );
  }

  /** Ends the bar with a final line for `done` units (default: the total). */
  done(done = this.#options.total, fields: Record<string, string> = {}): void {
    const o = this.#options;
    this.#lastLine = this.render(done, fields);
    o.write(
      o.interactive ? `\r\x1b[2K${this.#lastLine}\n` : `${this.#lastLine}\n`,
    );
  }
}
