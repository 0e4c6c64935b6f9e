/**
 * Dropout whose masks repeat run to run. tfjs's own Dropout layer either draws from an unseeded
 * generator (different numbers every run) or, given a seed, reseeds on every call and so drops the
 * same units at every step. This layer seeds each call with `seed + calls`, so the masks differ
 * from step to step and the same seed gives the same sequence of masks. Only training calls draw
 * a mask; inference passes the input through. Registered for (de)serialisation, so saved models
 * load back.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { SeededDropout } from "./seeded_dropout.ts";
 * await tf.setBackend("cpu");
 * const layer = new SeededDropout({ rate: 0.5, seed: 7 });
 * const y = layer.apply(tf.ones([2, 4]), { training: true }) as tf.Tensor; // zeros or 2s
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

/** Options of {@linkcode SeededDropout}. */
export interface SeededDropoutArgs {
  /** Fraction of units set to zero in training, in [0, 1). */
  rate: number;
  /** Seed of the first call's mask; call k uses `seed + k`. */
  seed: number;
  /** Layer name. */
  name?: string;
}

/** A Dropout layer with a reproducible, per-call mask sequence. */
export class SeededDropout extends tfl.layers.Layer {
  /** Name under which the class is registered for serialisation. */
  static className = "SeededDropout";
  readonly rate: number;
  readonly seed: number;
  #calls = 0;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: { training?: boolean } = {},
  ): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    const seed = this.seed + this.#calls++;
    return tf.dropout(x, this.rate, undefined, seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);
