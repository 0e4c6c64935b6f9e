/**
 * Saving and loading trained tfjs-layers models on the file system, in Deno and Node alike
 * (tfjs's own `file://` handler exists only in tfjs-node). A saved model is a directory:
 *
 * - `model.json`: the topology and a weights manifest pointing to `weights.bin`
 *   (the tfjs format, so `tf.loadLayersModel` over HTTP reads it too);
 * - `weights.bin`: all weights, concatenated in manifest order;
 * - `meta.json` (from {@linkcode saveModel}): the run config and final metrics.
 *
 * Saves are atomic: files go to a temporary directory beside the target, which is renamed into
 * place only when complete, so a crashed save never leaves a half-written model directory.
 *
 * @example
 * ```ts
 * import { loadModel, saveModel } from "./model_store.ts";
 * await saveModel(model, "results/run-1/model", { config, metrics: { testAccuracy: 0.93 } });
 * const { model: restored, meta } = await loadModel("results/run-1/model");
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { randomBytes } from "node:crypto";
import {
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { ConfigError, SuiteError } from "../util/errors.ts";

/** File name of the topology and weights manifest in a model directory. */
export const MODEL_JSON = "model.json";
/** File name of the concatenated weights in a model directory. */
export const WEIGHTS_BIN = "weights.bin";
/** File name of the run config and metrics in a model directory. */
export const META_JSON = "meta.json";

const MODEL_FILES = [MODEL_JSON, WEIGHTS_BIN, META_JSON];

/** What {@linkcode saveModel} stores beside the model: how it was trained and how it did. */
export interface ModelMeta {
  /** The run configuration (hyperparameters, dataset, seed). */
  config: unknown;
  /** The final metrics (accuracy, loss, duration). */
  metrics: unknown;
}

/** A model read back by {@linkcode loadModel}. */
export interface LoadedModel {
  /** The model, with the saved weights. */
  model: tfl.LayersModel;
  /** The config and metrics saved with it. */
  meta: ModelMeta;
}

// Bytes per stored value; a quantized weight is stored in its quantization dtype.
const BYTES_PER_VALUE: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  float16: 2,
  uint16: 2,
  uint8: 1,
};

/**
 * A tfjs IOHandler that saves a model to directory `dir` (atomically, refusing to replace a
 * directory that holds files other than a saved model's) and loads it from there.
 *
 * @example
 * ```ts
 * import * as tfl from "@tensorflow/tfjs-layers";
 * import { fileSystemIO } from "./model_store.ts";
 * await model.save(fileSystemIO("results/model"));
 * const restored = await tfl.loadLayersModel(fileSystemIO("results/model"));
 * ```
 */
export function fileSystemIO(dir: string): tf.io.IOHandler {
  return {
    save: (artifacts) =>
      replaceDirAtomically(dir, (tmp) => writeArtifacts(tmp, artifacts)),
    load: () => readArtifacts(dir),
  };
}

/**
 * Saves `model` (topology and weights, not the optimizer state) and `meta` to directory `dir`,
 * replacing a model saved there before. Refuses to replace a directory holding any other file, so
 * a wrong path cannot wipe unrelated files.
 *
 * @example
 * ```ts
 * import { saveModel } from "./model_store.ts";
 * await saveModel(model, "results/run-1/model", {
 *   config: { epochs: 30, lr: 0.01 },
 *   metrics: { testAccuracy: 0.93 },
 * });
 * ```
 */
export async function saveModel(
  model: tfl.LayersModel,
  dir: string,
  meta: ModelMeta,
): Promise<void> {
  const metaJson = serializeMeta(meta, dir);
  await replaceDirAtomically(dir, async (tmp) => {
    await model.save(
      tf.io.withSaveHandler((artifacts) => writeArtifacts(tmp, artifacts)),
    );
    await writeFile(path.join(tmp, META_JSON), metaJson);
  });
}

/**
 * Loads a model saved by {@linkcode saveModel}, with its config and metrics. A missing directory,
 * a missing or corrupt file, or a `weights.bin` of the wrong size is a one-line
 * {@linkcode ConfigError} naming the file.
 *
 * @example
 * ```ts
 * import { loadModel } from "./model_store.ts";
 * const { model, meta } = await loadModel("results/run-1/model");
 * console.log(meta.metrics);
 * ```
 */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const model = await tfl.loadLayersModel(fileSystemIO(dir)).catch((error) => {
    if (error instanceof SuiteError) throw error;
    throw new ConfigError(
      `${path.join(dir, MODEL_JSON)}: cannot rebuild the model: ${
        (error as Error).message
      }`,
    );
  });
  try {
    return { model, meta: await readMeta(path.join(dir, META_JSON)) };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function serializeMeta(meta: ModelMeta, dir: string): string {
  if (
    typeof meta !== "object" || meta === null || !("config" in meta) ||
    !("metrics" in meta)
  ) {
    throw new ConfigError(
      `meta for ${dir} must be an object with config and metrics`,
    );
  }
  try {
    return JSON.stringify(
      { config: meta.config, metrics: meta.metrics },
      null,
      2,
    ) + "\n";
  } catch (error) {
    throw new ConfigError(
      `meta for ${dir} is not JSON-serializable: ${(error as Error).message}`,
    );
  }
}

/**
 * Fills a fresh temporary directory beside `dir` with `fill`, then renames it to `dir`. An old
 * `dir` is first renamed aside and removed only after the new one is in place, so at every
 * moment a complete model exists under `dir` or under one of the two side names.
 */
async function replaceDirAtomically<T>(
  dir: string,
  fill: (tmp: string) => Promise<T>,
): Promise<T> {
  const target = path.resolve(dir);
  await assertReplaceable(target, dir);
  try {
    await mkdir(path.dirname(target), { recursive: true });
  } catch (error) {
    throw new ConfigError(
      `cannot create the parent of ${dir}: ${(error as Error).message}`,
    );
  }
  const suffix = randomBytes(6).toString("hex");
  const tmp = `${target}.tmp-${suffix}`;
  const old = `${target}.old-${suffix}`;
  await mkdir(tmp);
  let result: T;
  try {
    result = await fill(tmp);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const replacing = await exists(target);
  try {
    if (replacing) await rename(target, old);
    await rename(tmp, target);
  } catch (error) {
    if (replacing && !(await exists(target))) await rename(old, target);
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  if (replacing) await rm(old, { recursive: true, force: true });
  return result;
}

async function assertReplaceable(target: string, dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(target);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT") return;
    if (code === "ENOTDIR") {
      throw new ConfigError(`cannot save a model to ${dir}: it is a file`);
    }
    throw error;
  }
  const stranger = entries.find((entry) => !MODEL_FILES.includes(entry));
  if (stranger !== undefined) {
    throw new ConfigError(
      `refusing to replace ${dir}: it holds ${stranger}, which is not part of a saved model`,
    );
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return false;
    throw error;
  }
}

async function writeArtifacts(
  dir: string,
  artifacts: tf.io.ModelArtifacts,
): Promise<tf.io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new TypeError(
      "fileSystemIO saves JSON model topologies only, got a binary one",
    );
  }
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology ?? {},
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{
      paths: [WEIGHTS_BIN],
      weights: artifacts.weightSpecs ?? [],
    }],
    trainingConfig: artifacts.trainingConfig,
    signature: artifacts.signature,
    userDefinedMetadata: artifacts.userDefinedMetadata,
    modelInitializer: artifacts.modelInitializer,
    initializerSignature: artifacts.initializerSignature,
  };
  const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []);
  await writeFile(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
  await writeFile(path.join(dir, WEIGHTS_BIN), new Uint8Array(weights));
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

async function readArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const info = await stat(dir).catch((error) => {
    if (error.code === "ENOENT") {
      throw new ConfigError(`model directory not found: ${dir}`);
    }
    throw error;
  });
  if (!info.isDirectory()) {
    throw new ConfigError(`model directory ${dir} is a file, not a directory`);
  }
  const modelFile = path.join(dir, MODEL_JSON);
  const modelJson = await readJson(modelFile);
  if (!isModelJson(modelJson)) {
    throw new ConfigError(
      `${modelFile}: not a tfjs model.json (needs modelTopology and weightsManifest)`,
    );
  }
  return await tf.io.getModelArtifactsForJSON(
    modelJson,
    (manifest) => readWeights(dir, modelFile, manifest),
  );
}

async function readWeights(
  dir: string,
  modelFile: string,
  manifest: tf.io.WeightsManifestConfig,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer[]]> {
  const specs = tf.io.getWeightSpecs(manifest);
  const expectedBytes = specs.reduce(
    (sum, spec) => sum + storedBytes(spec, modelFile),
    0,
  );
  const files = manifest.flatMap((group) => group.paths).map((name) => {
    const file = path.join(dir, name);
    if (path.isAbsolute(name) || path.relative(dir, file).startsWith("..")) {
      throw new ConfigError(
        `${modelFile}: weights path ${name} leaves the model directory`,
      );
    }
    return file;
  });
  const buffers = await Promise.all(files.map(async (file) => {
    try {
      // A copy: Node may hand out a slice of a shared pool buffer.
      return new Uint8Array(await readFile(file)).buffer;
    } catch (error) {
      const code = (error as { code?: string }).code ??
        (error as Error).message;
      throw new ConfigError(`${file}: cannot read weights (${code})`);
    }
  }));
  const actualBytes = buffers.reduce(
    (sum, buffer) => sum + buffer.byteLength,
    0,
  );
  if (actualBytes !== expectedBytes) {
    throw new ConfigError(
      `${
        files.join(", ")
      }: ${actualBytes} bytes, but ${MODEL_JSON} describes ${expectedBytes}` +
        " (truncated or from another model)",
    );
  }
  return [specs, buffers];
}

function storedBytes(
  spec: tf.io.WeightsManifestEntry,
  modelFile: string,
): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytesPerValue = BYTES_PER_VALUE[dtype];
  const shapeOk = Array.isArray(spec.shape) &&
    spec.shape.every((n) => Number.isSafeInteger(n) && n >= 0);
  if (bytesPerValue === undefined || !shapeOk) {
    throw new ConfigError(
      `${modelFile}: weight ${spec.name} has an unsupported dtype or shape (${dtype}, ` +
        `${JSON.stringify(spec.shape)})`,
    );
  }
  return spec.shape.reduce((size, n) => size * n, 1) * bytesPerValue;
}

async function readMeta(file: string): Promise<ModelMeta> {
  const meta = await readJson(file);
  if (
    typeof meta !== "object" || meta === null || !("config" in meta) ||
    !("metrics" in meta)
  ) {
    throw new ConfigError(`${file}: needs an object with config and metrics`);
  }
  return { config: meta.config, metrics: meta.metrics };
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT") throw new ConfigError(`${file}: missing`);
    throw new ConfigError(
      `${file}: cannot read (${code ?? (error as Error).message})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${file}: corrupt JSON (${(error as Error).message})`,
    );
  }
}

function isModelJson(value: unknown): value is tf.io.ModelJSON {
  if (typeof value !== "object" || value === null) return false;
  const json = value as Record<string, unknown>;
  return typeof json.modelTopology === "object" &&
    json.modelTopology !== null &&
    Array.isArray(json.weightsManifest) &&
    json.weightsManifest.every((group) =>
      typeof group === "object" && group !== null &&
      Array.isArray(group.paths) &&
      group.paths.every((p: unknown) => typeof p === "string") &&
      Array.isArray(group.weights)
    );
}
