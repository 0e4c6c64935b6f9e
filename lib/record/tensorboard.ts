/**
 * Writes scalar series (loss, accuracy, learning rate) as a TensorBoard event file, without
 * TensorFlow: `tensorboard --logdir results/` shows them. Events are buffered in memory and
 * appended to the file every `flushEvery` events, on {@linkcode TensorBoardWriter.flush} and on
 * {@linkcode TensorBoardWriter.close}.
 *
 * @example
 * ```ts
 * import { TensorBoardWriter } from "./tensorboard.ts";
 * const writer = await TensorBoardWriter.open("results/run-1");
 * for (let epoch = 1; epoch <= 3; epoch++) writer.scalar("train/loss", 1 / epoch, epoch);
 * await writer.close();
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { ConfigError } from "../util/errors.ts";
import { encodeFileVersionEvent, encodeScalarEvent } from "./event_proto.ts";
import { frameRecord } from "./tfrecord.ts";

/** Options of {@linkcode TensorBoardWriter.open}. */
export interface TensorBoardWriterOptions {
  /** Events held in memory before they are appended to the file; default 16. */
  flushEvery?: number;
}

/** An open TensorBoard event file that scalar points are appended to. */
export class TensorBoardWriter {
  /** Path of the event file (`<logDir>/events.out.tfevents.<unix seconds>.<hostname>`). */
  readonly path: string;
  readonly #flushEvery: number;
  #buffer: Uint8Array[] = [];
  #writes: Promise<void> = Promise.resolve();
  #writeError: unknown = undefined;
  #closed = false;

  private constructor(file: string, flushEvery: number) {
    this.path = file;
    this.#flushEvery = flushEvery;
  }

  /**
   * Creates `logDir` if needed and a new event file in it, starting with the file-version event.
   * An existing file of the same name (two writers in one second) is never appended to: the new
   * file gets a `.1`, `.2`, ... suffix. Reading the host name needs `--allow-sys` in Deno.
   *
   * @example
   * ```ts
   * import { TensorBoardWriter } from "./tensorboard.ts";
   * const writer = await TensorBoardWriter.open("results/run-1", { flushEvery: 1 });
   * ```
   */
  static async open(
    logDir: string,
    options: TensorBoardWriterOptions = {},
  ): Promise<TensorBoardWriter> {
    if (typeof logDir !== "string" || logDir === "") {
      throw new ConfigError(
        `TensorBoard log dir must be a non-empty path, got ${String(logDir)}`,
      );
    }
    const flushEvery = options.flushEvery ?? 16;
    if (!Number.isSafeInteger(flushEvery) || flushEvery < 1) {
      throw new ConfigError(
        `flushEvery must be a positive integer, got ${flushEvery}`,
      );
    }
    try {
      await mkdir(logDir, { recursive: true });
    } catch (error) {
      throw new ConfigError(
        `cannot create TensorBoard log dir ${logDir}: ${
          (error as Error).message
        }`,
      );
    }
    const now = Date.now() / 1000;
    const base = path.join(
      logDir,
      `events.out.tfevents.${Math.floor(now)}.${hostname()}`,
    );
    const header = frameRecord(encodeFileVersionEvent(now));
    for (let n = 0;; n++) {
      const file = n === 0 ? base : `${base}.${n}`;
      try {
        await writeFile(file, header, { flag: "wx" });
        return new TensorBoardWriter(file, flushEvery);
      } catch (error) {
        if ((error as { code?: string }).code !== "EEXIST") throw error;
      }
    }
  }

  /**
   * Logs `value` of series `tag` at `step`. NaN and infinities are kept (TensorBoard shows a
   * diverged loss as such).
   *
   * @example
   * ```ts
   * import { TensorBoardWriter } from "./tensorboard.ts";
   * const writer = await TensorBoardWriter.open("results/run-1");
   * writer.scalar("val/accuracy", 0.91, 10);
   * await writer.close();
   * ```
   */
  scalar(
    tag: string,
    value: number,
    step: number,
    wallTime: number = Date.now() / 1000,
  ): void {
    if (this.#closed) {
      throw new Error(`TensorBoardWriter for ${this.path} is closed`);
    }
    if (typeof tag !== "string" || tag === "") {
      throw new TypeError(
        `scalar tag must be a non-empty string, got ${String(tag)}`,
      );
    }
    if (typeof value !== "number") {
      throw new TypeError(
        `scalar "${tag}": value must be a number, got ${typeof value}`,
      );
    }
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new RangeError(
        `scalar "${tag}": step must be a non-negative integer, got ${step}`,
      );
    }
    if (!Number.isFinite(wallTime)) {
      throw new RangeError(
        `scalar "${tag}": wallTime must be finite seconds, got ${wallTime}`,
      );
    }
    this.#buffer.push(
      frameRecord(encodeScalarEvent({ wallTime, step, tag, value })),
    );
    if (this.#buffer.length >= this.#flushEvery) void this.#appendBuffered();
  }

  /**
   * Appends every buffered event to the file; rejects with the first write error, if any.
   *
   * @example
   * ```ts
   * import { TensorBoardWriter } from "./tensorboard.ts";
   * const writer = await TensorBoardWriter.open("results/run-1");
   * writer.scalar("train/loss", 0.7, 1);
   * await writer.flush(); // now visible to TensorBoard
   * ```
   */
  async flush(): Promise<void> {
    await this.#appendBuffered();
    if (this.#writeError !== undefined) throw this.#writeError;
  }

  /**
   * Flushes and closes the writer; later `scalar` calls throw. Closing twice is harmless.
   *
   * @example
   * ```ts
   * import { TensorBoardWriter } from "./tensorboard.ts";
   * const writer = await TensorBoardWriter.open("results/run-1");
   * await writer.close();
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  /** Queues one append of the buffered records behind earlier ones, so order is kept. */
  #appendBuffered(): Promise<void> {
    const records = this.#buffer;
    this.#buffer = [];
    if (records.length === 0) return this.#writes;
    this.#writes = this.#writes
      .then(() => {
        if (this.#writeError === undefined) {
          return appendFile(this.path, Buffer.concat(records));
        }
      })
      .catch((error) => {
        this.#writeError ??= error;
      });
    return this.#writes;
  }
}
