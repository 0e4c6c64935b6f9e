import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
// tfjs-layers also registers the gradient functions (tfjs-core's node bundle has none).
import * as tfl from "@tensorflow/tfjs-layers";
import { createRng } from "../util/random.ts";
import { initWasm } from "./wasm.ts";
import { wasmTrainingKernels } from "./wasm_kernels.ts";

await initWasm();

type Backend = "cpu" | "wasm";

function randomValues(
  seed: number,
  n: number,
  options: { zeros?: number } = {},
): Float32Array {
  const rng = createRng(seed);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    values[i] = rng() < (options.zeros ?? 0) ? 0 : rng() * 2 - 1;
  }
  return values;
}

/** Runs `compute` on `backend` and returns its outputs as plain arrays. */
async function on(
  backend: Backend,
  compute: () => tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outputs = tf.tidy(compute);
  const values = outputs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outputs);
  return values;
}

/** Runs `compute` on cpu and on wasm and asserts equal outputs to `tolerance` relative error. */
async function assertSameOnCpuAndWasm(
  label: string,
  compute: () => tf.Tensor[],
  tolerance = 1e-4,
): Promise<void> {
  const expected = await on("cpu", compute);
  const actual = await on("wasm", compute);
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.equal(
      actual[i].length,
      expected[i].length,
      `${label}: output ${i} size`,
    );
    let scale = 0;
    let error = 0;
    for (let j = 0; j < expected[i].length; j++) {
      scale = Math.max(scale, Math.abs(expected[i][j]));
      error = Math.max(error, Math.abs(actual[i][j] - expected[i][j]));
    }
    assert.ok(
      error <= tolerance * Math.max(scale, 1e-6),
      `${label}: output ${i} differs by ${error} (scale ${scale})`,
    );
  }
}

/** Asserts that `compute` leaves no tensor or buffer behind on wasm. */
async function assertNoLeaks(compute: () => void): Promise<void> {
  await tf.setBackend("wasm");
  const before = tf.memory();
  compute();
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors, "tensors leaked");
  assert.equal(after.numDataBuffers, before.numDataBuffers, "buffers leaked");
}

Deno.test("the training kernels are the ones registered for wasm", () => {
  for (const config of wasmTrainingKernels) {
    assert.equal(
      tf.getKernel(config.kernelName, "wasm"),
      config,
      config.kernelName,
    );
  }
});

const convCases: Array<{
  x: [number, number, number, number];
  k: number;
  co: number;
  stride: number;
  pad: "same" | "valid";
}> = [
  { x: [2, 8, 8, 3], k: 3, co: 4, stride: 1, pad: "same" },
  { x: [2, 8, 8, 3], k: 3, co: 4, stride: 1, pad: "valid" },
  { x: [2, 9, 7, 3], k: 3, co: 5, stride: 2, pad: "same" },
  { x: [2, 9, 7, 3], k: 3, co: 5, stride: 2, pad: "valid" },
  { x: [3, 6, 6, 4], k: 1, co: 2, stride: 1, pad: "same" },
  { x: [3, 7, 7, 4], k: 1, co: 2, stride: 2, pad: "valid" },
  { x: [1, 10, 10, 2], k: 5, co: 3, stride: 1, pad: "same" },
  { x: [1, 11, 10, 2], k: 5, co: 3, stride: 2, pad: "valid" },
  { x: [2, 12, 12, 2], k: 5, co: 3, stride: 2, pad: "same" },
];

for (const c of convCases) {
  const label = `conv2d ${c.x.join("x")} k${c.k} s${c.stride} ${c.pad}`;
  Deno.test(`${label}: input and filter gradients match cpu`, async () => {
    const filterShape: [number, number, number, number] = [
      c.k,
      c.k,
      c.x[3],
      c.co,
    ];
    const xValues = randomValues(1, tf.util.sizeFromShape(c.x));
    const wValues = randomValues(2, tf.util.sizeFromShape(filterShape));
    const compute = () => {
      const x = tf.tensor4d(xValues, c.x);
      const w = tf.tensor4d(wValues, filterShape);
      const y = tf.conv2d(x, w, c.stride, c.pad);
      const upstream = tf.tensor(randomValues(3, y.size), y.shape);
      const grads = tf.grads((a, b) =>
        tf.sum(
          tf.mul(
            tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad),
            upstream,
          ),
        )
      );
      return grads([x, w]);
    };
    await assertSameOnCpuAndWasm(label, compute);
    await assertNoLeaks(() => tf.dispose(tf.tidy(compute)));
  });
}

Deno.test("conv2d with explicit padding wider than the filter: gradients match cpu", async () => {
  const pad: [
    [number, number],
    [number, number],
    [number, number],
    [number, number],
  ] = [
    [0, 0],
    [2, 1],
    [0, 2],
    [0, 0],
  ];
  const xValues = randomValues(4, 2 * 5 * 6 * 3);
  const wValues = randomValues(5, 2 * 2 * 3 * 4);
  await assertSameOnCpuAndWasm("explicit pad", () => {
    const x = tf.tensor4d(xValues, [2, 5, 6, 3]);
    const w = tf.tensor4d(wValues, [2, 2, 3, 4]);
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad)));
    return tf.grads(f)([x, w]);
  });
});

/** Values in {-1, 0, 1}: many ties, and many windows whose values are all <= 0. */
function tiedValues(seed: number, n: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => Math.floor(rng() * 3) - 1);
}

const poolCases: Array<
  {
    x: [number, number, number, number];
    k: number;
    s: number;
    pad: "same" | "valid";
  }
> = [
  { x: [2, 8, 8, 3], k: 2, s: 2, pad: "valid" },
  { x: [2, 7, 7, 3], k: 2, s: 2, pad: "same" },
  { x: [1, 7, 6, 2], k: 3, s: 2, pad: "same" },
  { x: [1, 6, 6, 2], k: 3, s: 1, pad: "valid" },
];

for (const c of poolCases) {
  const label = `maxPool ${c.x.join("x")} ${c.k}x${c.k}/${c.s} ${c.pad}`;
  Deno.test(`${label}: gradient matches cpu, incl. ties and windows <= 0`, async () => {
    const n = tf.util.sizeFromShape(c.x);
    for (
      const values of [
        tiedValues(6, n),
        randomValues(7, n, { zeros: 0.6 }).map((v) => -Math.abs(v)),
      ]
    ) {
      const compute = () => {
        const x = tf.tensor4d(values, c.x);
        const y = tf.maxPool(x, c.k, c.s, c.pad);
        const upstream = tf.tensor(randomValues(8, y.size), y.shape);
        return [
          tf.grad((a) =>
            tf.sum(
              tf.mul(tf.maxPool(a as tf.Tensor4D, c.k, c.s, c.pad), upstream),
            )
          )(x),
        ];
      };
      await assertSameOnCpuAndWasm(label, compute, 1e-6);
      await assertNoLeaks(() => tf.dispose(tf.tidy(compute)));
    }
  });
}

Deno.test("matMul with every transpose flag: product and gradients match cpu", async () => {
  for (
    const [aShape, bShape] of [[[3, 5], [5, 4]], [[2, 6, 3], [2, 3, 7]], [[
      64,
      2,
    ], [2, 9]]]
  ) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const aDims = transposeA
          ? [...aShape.slice(0, -2), aShape.at(-1)!, aShape.at(-2)!]
          : aShape;
        const bDims = transposeB
          ? [...bShape.slice(0, -2), bShape.at(-1)!, bShape.at(-2)!]
          : bShape;
        const aValues = randomValues(9, tf.util.sizeFromShape(aDims));
        const bValues = randomValues(10, tf.util.sizeFromShape(bDims));
        const compute = () => {
          const a = tf.tensor(aValues, aDims);
          const b = tf.tensor(bValues, bDims);
          const f = (p: tf.Tensor, q: tf.Tensor) =>
            tf.matMul(p, q, transposeA, transposeB);
          const y = f(a, b);
          const upstream = tf.tensor(randomValues(11, y.size), y.shape);
          return [
            y,
            ...tf.grads((p, q) => tf.sum(tf.mul(f(p, q), upstream)))([a, b]),
          ];
        };
        const label = `matMul ${aDims}${transposeA ? "ᵀ" : ""} · ${bDims}${
          transposeB ? "ᵀ" : ""
        }`;
        await assertSameOnCpuAndWasm(label, compute);
        await assertNoLeaks(() => tf.dispose(tf.tidy(compute)));
      }
    }
  }
});

Deno.test("sum over leading axes (bias gradients) and other axes matches cpu", async () => {
  const values = randomValues(12, 4 * 3 * 5 * 6);
  for (const axis of [[0, 1, 2], [1, 0], [0], [2], [1, 3], [0, 1, 2, 3]]) {
    for (const keepDims of [false, true]) {
      const compute =
        () => [tf.sum(tf.tensor4d(values, [4, 3, 5, 6]), axis, keepDims)];
      const label = `sum axis ${axis} keepDims ${keepDims}`;
      await assertSameOnCpuAndWasm(label, compute);
      const [expectedShape, actualShape] = [
        await tf.setBackend("cpu").then(() =>
          tf.tidy(() => compute()[0].shape)
        ),
        await tf.setBackend("wasm").then(() =>
          tf.tidy(() => compute()[0].shape)
        ),
      ];
      assert.deepEqual(actualShape, expectedShape, `${label}: shape`);
      await assertNoLeaks(() => tf.dispose(tf.tidy(compute)));
    }
  }
});

Deno.test("clone shares the buffer and outlives the original", async () => {
  await tf.setBackend("wasm");
  const x = tf.tensor1d([1, 2, 3]);
  const before = tf.memory().numDataBuffers;
  const copy = x.clone();
  assert.equal(
    tf.memory().numDataBuffers,
    before,
    "clone allocated a new buffer",
  );
  x.dispose();
  assert.deepEqual(Array.from(copy.dataSync()), [1, 2, 3]);
  copy.dispose();
  assert.equal(tf.memory().numDataBuffers, before - 1);
});

Deno.test("a conv -> relu -> pool -> dense model's full gradient matches cpu, without leaks", async () => {
  const xValues = randomValues(13, 4 * 8 * 8 * 3);
  const labels = Float32Array.from(
    { length: 4 * 5 },
    (_, i) => (i % 5 === i % 4 ? 1 : 0),
  );
  const modelGradients = () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [8, 8, 3],
          filters: 4,
          kernelSize: 3,
          padding: "same",
          activation: "relu",
        }),
        tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
        tfl.layers.conv2d({ filters: 6, kernelSize: 3, padding: "same" }),
        tfl.layers.activation({ activation: "relu" }),
        tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 5 }),
      ],
    });
    const weights = model.weights.map((w, i) => {
      const shape = w.shape as number[];
      return tf.tensor(
        randomValues(20 + i, tf.util.sizeFromShape(shape)),
        shape,
      );
    });
    model.setWeights(weights);
    tf.dispose(weights);
    const variables = model.trainableWeights.map((w) =>
      w.read() as tf.Variable
    );
    const x = tf.tensor4d(xValues, [4, 8, 8, 3]);
    const y = tf.tensor2d(labels, [4, 5]);
    const { value, grads } = tf.variableGrads(
      () =>
        tf.losses.softmaxCrossEntropy(
          y,
          model.apply(x) as tf.Tensor,
        ) as tf.Scalar,
      variables,
    );
    const outputs = [value, ...variables.map((v) => grads[v.name])];
    tf.dispose([x, y]);
    model.dispose();
    return outputs;
  };
  await assertSameOnCpuAndWasm("model", modelGradients);
  await assertNoLeaks(() => tf.dispose(modelGradients()));
});
