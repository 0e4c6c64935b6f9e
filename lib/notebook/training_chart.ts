/**
 * A live picture of a training run for notebooks: collects the metrics `train` reports through
 * its hooks and draws them as a Vega-Lite chart — loss per step against the chance line ln 10
 * (finding F3: a loss stuck there learned nothing), and batch and test accuracy.
 *
 * @example
 * ```ts
 * import { TrainingTrace } from "./training_chart.ts";
 * import { vegaLiteBundle } from "./vega_bundle.ts";
 * const trace = new TrainingTrace();
 * // await train(config, data, { onStep: (m) => trace.recordStep(m), onEpoch: (m) => trace.recordEpoch(m) });
 * const bundle = await vegaLiteBundle(trace.spec("VGG11 on 2,000 images"));
 * ```
 * @module
 */
import type { EpochMetrics, StepMetrics } from "../train/train.ts";
import type { VegaLiteSpec } from "./vega_bundle.ts";

/**
 * Options of {@linkcode TrainingTrace}.
 *
 * @example
 * ```ts
 * import { TrainingTrace, type TrainingTraceOptions } from "./training_chart.ts";
 * const options: TrainingTraceOptions = { numClasses: 100, maxPoints: 200 }; // CIFAR-100: chance ln 100
 * new TrainingTrace(options);
 * ```
 */
export interface TrainingTraceOptions {
  /** Classes of the task; the chance loss is ln(numClasses). Default 10. */
  numClasses?: number;
  /** Most step points a chart carries (steps are averaged in buckets beyond); default 400. */
  maxPoints?: number;
}

/**
 * The step metrics a trace keeps.
 *
 * @example
 * ```ts
 * import type { StepPoint } from "./training_chart.ts";
 * const point: StepPoint = { step: 12, loss: 2.1, accuracy: 0.25 };
 * ```
 */
export interface StepPoint {
  /** 1-based step of the run (of a bucket's last step, once averaged). */
  step: number;
  /** Mean training loss (of the bucket). */
  loss: number;
  /** Mean batch accuracy (of the bucket). */
  accuracy: number;
}

/**
 * Metrics of a run, recorded as it trains, and their chart.
 *
 * @example
 * ```ts
 * import { TrainingTrace } from "./training_chart.ts";
 * const trace = new TrainingTrace();
 * trace.recordStep({ step: 1, epoch: 1, epochStep: 1, epochSteps: 10, loss: 2.3, accuracy: 0.1, images: 32 });
 * trace.spec("first step").hconcat; // loss and accuracy panels
 * ```
 */
export class TrainingTrace {
  /** Every step, in order. */
  readonly steps: StepPoint[] = [];
  /** Every finished epoch, in order. */
  readonly epochs: EpochMetrics[] = [];
  readonly #chanceLoss: number;
  readonly #chanceLabel: string;
  readonly #maxPoints: number;

  /**
   * An empty trace.
   *
   * @example
   * ```ts
   * import { TrainingTrace } from "./training_chart.ts";
   * new TrainingTrace({ maxPoints: 100 }).steps.length; // 0
   * ```
   */
  constructor(options: TrainingTraceOptions = {}) {
    const classes = options.numClasses ?? 10;
    this.#chanceLoss = Math.log(classes);
    this.#chanceLabel = `chance: ln ${classes} = ${
      this.#chanceLoss.toFixed(2)
    }`;
    this.#maxPoints = options.maxPoints ?? 400;
  }

  /** Adds a step (use as, or inside, `train`'s `onStep` hook). */
  recordStep(metrics: StepMetrics): void {
    this.steps.push({
      step: metrics.step,
      loss: metrics.loss,
      accuracy: metrics.accuracy,
    });
  }

  /** Adds a finished epoch (use as, or inside, `train`'s `onEpoch` hook). */
  recordEpoch(metrics: EpochMetrics): void {
    this.epochs.push(metrics);
  }

  /**
   * The chart so far: loss per step with the chance line, and accuracy per step (batches) and
   * per epoch (test subset). Non-finite losses (a diverged run) are left out of the line.
   */
  spec(title = "Training"): VegaLiteSpec {
    const points = bucketMeans(
      this.steps.filter((p) => Number.isFinite(p.loss)),
      this.#maxPoints,
    );
    const stepAxis = {
      field: "step",
      type: "quantitative",
      title: "step",
      scale: { domainMin: 0 },
    };
    const chance = this.#chanceLoss;
    return {
      title,
      hconcat: [
        {
          title: {
            text: "loss",
            subtitle: "per training batch; dashed: chance",
          },
          width: 300,
          height: 200,
          layer: [
            {
              data: { values: points },
              mark: { type: "line", color: "#4c78a8" },
              encoding: {
                x: stepAxis,
                y: {
                  field: "loss",
                  type: "quantitative",
                  title: "cross-entropy",
                },
              },
            },
            {
              data: { values: [{ chance }] },
              mark: { type: "rule", color: "#e45756", strokeDash: [4, 4] },
              encoding: { y: { field: "chance", type: "quantitative" } },
            },
            {
              data: { values: [{ chance, label: this.#chanceLabel }] },
              mark: {
                type: "text",
                align: "left",
                dx: 4,
                dy: -6,
                color: "#e45756",
              },
              encoding: {
                y: { field: "chance", type: "quantitative" },
                x: { datum: 0, type: "quantitative" },
                text: { field: "label" },
              },
            },
          ],
        },
        {
          title: {
            text: "accuracy",
            subtitle: "line: training batches; dots: test subset, per epoch",
          },
          width: 300,
          height: 200,
          layer: [
            {
              data: { values: points },
              mark: { type: "line", color: "#9ecae9" },
              encoding: {
                x: stepAxis,
                y: {
                  field: "accuracy",
                  type: "quantitative",
                  title: "accuracy",
                  scale: { domain: [0, 1] },
                },
              },
            },
            {
              data: {
                values: this.epochs.map((e) => ({
                  step: e.step,
                  epoch: e.epoch,
                  testAccuracy: e.testAccuracy,
                })),
              },
              mark: {
                type: "line",
                color: "#f58518",
                point: { color: "#f58518" },
              },
              encoding: {
                x: stepAxis,
                y: { field: "testAccuracy", type: "quantitative" },
                tooltip: [
                  { field: "epoch", type: "quantitative" },
                  {
                    field: "testAccuracy",
                    type: "quantitative",
                    format: ".3f",
                  },
                ],
              },
            },
          ],
        },
      ],
    };
  }
}

/** `points` averaged in consecutive buckets so that at most `max` remain. */
function bucketMeans(points: StepPoint[], max: number): StepPoint[] {
  if (points.length <= max) return points;
  const size = Math.ceil(points.length / max);
  const out: StepPoint[] = [];
  for (let start = 0; start < points.length; start += size) {
    const bucket = points.slice(start, start + size);
    out.push({
      step: bucket[bucket.length - 1].step,
      loss: bucket.reduce((s, p) => s + p.loss, 0) / bucket.length,
      accuracy: bucket.reduce((s, p) => s + p.accuracy, 0) / bucket.length,
    });
  }
  return out;
}
