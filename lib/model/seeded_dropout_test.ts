import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import { SeededDropout } from "./seeded_dropout.ts";

async function masks(seed: number, calls: number): Promise<number[][]> {
  await tf.setBackend("cpu");
  const layer = new SeededDropout({ rate: 0.5, seed });
  const out: number[][] = [];
  for (let i = 0; i < calls; i++) {
    const y = layer.apply(tf.ones([64]), { training: true }) as tf.Tensor;
    out.push(Array.from(await y.data()));
    y.dispose();
  }
  return out;
}

Deno.test("masks change from call to call and repeat for the same seed", async () => {
  const first = await masks(11, 3);
  assert.deepEqual(await masks(11, 3), first);
  assert.notDeepEqual(first[0], first[1]);
  assert.notDeepEqual(await masks(12, 1), [first[0]]);
  const kept = first[0].filter((v) => v !== 0);
  assert.ok(
    kept.every((v) => v === 2),
    "kept units are scaled by 1 / (1 - rate)",
  );
  assert.ok(
    kept.length > 16 && kept.length < 48,
    `about half kept, got ${kept.length}/64`,
  );
});

Deno.test("inference passes the input through untouched", async () => {
  await tf.setBackend("cpu");
  const layer = new SeededDropout({ rate: 0.9, seed: 1 });
  const x = tf.ones([8]);
  const y = layer.apply(x) as tf.Tensor;
  assert.deepEqual(Array.from(await y.data()), Array(8).fill(1));
  x.dispose();
});

Deno.test("a model with the layer serialises and deserialises", async () => {
  await tf.setBackend("cpu");
  const input = tfl.input({ shape: [4] });
  const output = new SeededDropout({ rate: 0.25, seed: 3, name: "drop" }).apply(
    input,
  ) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  const restored = await tfl.models.modelFromJSON({
    modelTopology: model.toJSON(null, false),
  });
  const layer = restored.getLayer("drop") as SeededDropout;
  assert.ok(layer instanceof SeededDropout);
  assert.equal(layer.rate, 0.25);
  assert.equal(layer.seed, 3);
});
