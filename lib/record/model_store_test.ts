import assert from "node:assert/strict";
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  truncate,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import "@tensorflow/tfjs-backend-cpu";
import { ConfigError } from "../util/errors.ts";
import {
  fileSystemIO,
  loadModel,
  META_JSON,
  MODEL_JSON,
  saveModel,
  WEIGHTS_BIN,
} from "./model_store.ts";

await tf.setBackend("cpu");

/** A conv + dense classifier on 8x8x3 images with seeded random weights. */
function buildModel(seed: number): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({
    inputShape: [8, 8, 3],
    filters: 4,
    kernelSize: 3,
    activation: "relu",
    kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    biasInitializer: tfl.initializers.randomNormal({ seed: seed + 1 }),
  }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({
    units: 10,
    activation: "softmax",
    kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }),
  }));
  return model;
}

const inputs = tf.randomUniform([5, 8, 8, 3], 0, 1, "float32", 3);

function predict(model: tfl.LayersModel): Float32Array {
  return tf.tidy(() =>
    (model.predict(inputs) as tf.Tensor).dataSync() as Float32Array
  );
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "model-store-test-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const meta = {
  config: { model: "tiny", epochs: 2, lr: 0.01 },
  metrics: { testAccuracy: 0.5, loss: [2.3, 1.9] },
};

function rejectsNaming(promise: Promise<unknown>, file: string): Promise<void> {
  return assert.rejects(promise, (error: Error) => {
    assert.ok(
      error instanceof ConfigError,
      `expected ConfigError, got ${error}`,
    );
    assert.ok(
      error.message.includes(file),
      `"${error.message}" should name ${file}`,
    );
    assert.ok(!error.message.includes("\n"), "one line");
    return true;
  });
}

Deno.test("saveModel then loadModel gives identical predictions and the saved meta", async () => {
  await withTempDir(async (root) => {
    const dir = path.join(root, "runs", "tiny", "model");
    const model = buildModel(1);
    await saveModel(model, dir, meta);

    assert.deepEqual((await readdir(dir)).sort(), [
      META_JSON,
      MODEL_JSON,
      WEIGHTS_BIN,
    ]);
    assert.deepEqual(
      await readdir(path.dirname(dir)),
      ["model"],
      "no temporary dirs left",
    );
    const modelJson = JSON.parse(
      await readFile(path.join(dir, MODEL_JSON), "utf8"),
    );
    assert.deepEqual(modelJson.weightsManifest[0].paths, [WEIGHTS_BIN]);
    const params = model.countParams();
    assert.equal(
      (await readFile(path.join(dir, WEIGHTS_BIN))).length,
      params * 4,
    );

    const loaded = await loadModel(dir);
    assert.deepEqual(loaded.meta, meta);
    assert.deepEqual(predict(loaded.model), predict(model));
    assert.equal(loaded.model.countParams(), params);
    model.dispose();
    loaded.model.dispose();
  });
});

Deno.test("saveModel replaces an earlier model in the same directory", async () => {
  await withTempDir(async (root) => {
    const dir = path.join(root, "model");
    const first = buildModel(1);
    const second = buildModel(100);
    assert.notDeepEqual(predict(first), predict(second));
    await saveModel(first, dir, meta);
    await saveModel(second, dir, { config: { run: 2 }, metrics: null });

    const loaded = await loadModel(dir);
    assert.deepEqual(predict(loaded.model), predict(second));
    assert.deepEqual(loaded.meta, { config: { run: 2 }, metrics: null });
    assert.deepEqual(await readdir(root), ["model"]);
    for (const model of [first, second, loaded.model]) model.dispose();
  });
});

Deno.test("a save that fails midway leaves the previous model intact and no debris", async () => {
  await withTempDir(async (root) => {
    const dir = path.join(root, "model");
    const model = buildModel(1);
    await saveModel(model, dir, meta);
    // A model whose serialization writes its files, then fails (as a full disk would).
    const failing = {
      save: async (handler: tf.io.IOHandler) => {
        await handler.save!({
          modelTopology: {},
          weightSpecs: [],
          weightData: new ArrayBuffer(8),
        });
        throw new Error("disk full");
      },
    } as unknown as tfl.LayersModel;
    await assert.rejects(saveModel(failing, dir, meta), /disk full/);

    assert.deepEqual(await readdir(root), ["model"]);
    const loaded = await loadModel(dir);
    assert.deepEqual(predict(loaded.model), predict(model));
    model.dispose();
    loaded.model.dispose();
  });
});

Deno.test("fileSystemIO works as a plain tfjs IOHandler", async () => {
  await withTempDir(async (root) => {
    const dir = path.join(root, "io");
    const model = buildModel(5);
    const result = await model.save(fileSystemIO(dir));
    assert.equal(
      result.modelArtifactsInfo.weightDataBytes,
      model.countParams() * 4,
    );
    const loaded = await tfl.loadLayersModel(fileSystemIO(dir));
    assert.deepEqual(predict(loaded), predict(model));
    model.dispose();
    loaded.dispose();
  });
});

Deno.test("loadModel names the missing or corrupt file in a one-line ConfigError", async () => {
  await withTempDir(async (root) => {
    await rejectsNaming(
      loadModel(path.join(root, "nope")),
      path.join(root, "nope"),
    );

    const dir = path.join(root, "model");
    const model = buildModel(1);
    const fresh = () => saveModel(model, dir, meta);
    const file = (name: string) => path.join(dir, name);

    await fresh();
    await rm(file(MODEL_JSON));
    await rejectsNaming(loadModel(dir), file(MODEL_JSON));

    await fresh();
    const json = await readFile(file(MODEL_JSON), "utf8");
    await writeFile(file(MODEL_JSON), json.slice(0, json.length / 2));
    await rejectsNaming(loadModel(dir), file(MODEL_JSON));

    await writeFile(file(MODEL_JSON), JSON.stringify({ modelTopology: {} }));
    await rejectsNaming(loadModel(dir), file(MODEL_JSON));

    await writeFile(
      file(MODEL_JSON),
      JSON.stringify({ ...JSON.parse(json), modelTopology: {} }),
    );
    await rejectsNaming(loadModel(dir), file(MODEL_JSON));

    await fresh();
    const parsed = JSON.parse(json);
    parsed.weightsManifest[0].paths = ["../../etc/passwd"];
    await writeFile(file(MODEL_JSON), JSON.stringify(parsed));
    await rejectsNaming(loadModel(dir), file(MODEL_JSON));

    await fresh();
    await truncate(file(WEIGHTS_BIN), model.countParams() * 4 - 4);
    await rejectsNaming(loadModel(dir), file(WEIGHTS_BIN));

    await fresh();
    await writeFile(
      file(WEIGHTS_BIN),
      new Uint8Array(model.countParams() * 4 + 4),
    );
    await rejectsNaming(loadModel(dir), file(WEIGHTS_BIN));

    await fresh();
    await rm(file(WEIGHTS_BIN));
    await rejectsNaming(loadModel(dir), file(WEIGHTS_BIN));

    await fresh();
    await rm(file(META_JSON));
    await rejectsNaming(loadModel(dir), file(META_JSON));

    await fresh();
    await writeFile(file(META_JSON), "{ not json");
    await rejectsNaming(loadModel(dir), file(META_JSON));

    await writeFile(file(META_JSON), JSON.stringify({ config: {} }));
    await rejectsNaming(loadModel(dir), file(META_JSON));
    model.dispose();
  });
});

Deno.test("saveModel refuses to overwrite unrelated files and unserializable meta", async () => {
  await withTempDir(async (root) => {
    const model = buildModel(1);
    const notes = path.join(root, "notes");
    await mkdir(notes);
    await writeFile(path.join(notes, "todo.txt"), "keep me");
    await rejectsNaming(saveModel(model, notes, meta), notes);
    assert.deepEqual(await readdir(notes), ["todo.txt"]);

    const aFile = path.join(root, "file");
    await writeFile(aFile, "x");
    await rejectsNaming(saveModel(model, aFile, meta), aFile);

    const dir = path.join(root, "model");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await rejectsNaming(
      saveModel(model, dir, { config: cyclic, metrics: {} }),
      dir,
    );
    await rejectsNaming(
      saveModel(model, dir, { config: { n: 1n }, metrics: {} }),
      dir,
    );
    await rejectsNaming(
      saveModel(model, dir, {} as unknown as typeof meta),
      dir,
    );
    assert.deepEqual(await readdir(root), ["file", "notes"]);

    await mkdir(dir);
    await saveModel(model, dir, meta);
    assert.deepEqual((await readdir(dir)).sort(), [
      META_JSON,
      MODEL_JSON,
      WEIGHTS_BIN,
    ]);
    await writeFile(path.join(dir, "plot.png"), "not part of the model");
    await rejectsNaming(saveModel(model, dir, meta), "plot.png");
    assert.ok((await readdir(dir)).includes("plot.png"));
    model.dispose();
  });
});
