// Checks against the real CIFAR-10 (env CIFAR10_DIR): skipped with a reason when it is absent,
// failed when CI is set. The data is loaded once for all tests here.
import assert from "node:assert/strict";
import { type Cifar10, classCounts, loadCifar10 } from "./cifar10.ts";
import { channelStats } from "./stats.ts";
import { selectRecords, stratifiedSubset } from "./subset.ts";
import { realDataGate, requireRealData } from "./test_support.ts";

const gate = realDataGate();
let loaded: Promise<Cifar10> | undefined;
const data = () => loaded ??= loadCifar10(requireRealData(gate));

function close(actual: number[], expected: number[], tolerance: number): void {
  actual.forEach((a, i) =>
    assert.ok(
      Math.abs(a - expected[i]) <= tolerance,
      `[${actual.map((x) => x.toFixed(4))}] vs [${expected}]`,
    )
  );
}

Deno.test({
  name: "real CIFAR-10 has 5,000 training and 1,000 test images per class",
  ignore: gate.ignore,
  fn: async () => {
    const { train, test, classNames } = await data();
    assert.equal(train.count, 50_000);
    assert.equal(test.count, 10_000);
    assert.deepEqual(classCounts(train), new Array(10).fill(5000));
    assert.deepEqual(classCounts(test), new Array(10).fill(1000));
    assert.equal(classNames[0], "airplane");
    assert.equal(classNames[9], "truck");
  },
});

Deno.test({
  name: "real CIFAR-10 training channel statistics are the well-known ones",
  ignore: gate.ignore,
  fn: async () => {
    const { mean, std } = channelStats((await data()).train);
    close(mean, [0.4914, 0.4822, 0.4465], 1e-3);
    close(std, [0.2470, 0.2435, 0.2616], 1e-3);
  },
});

Deno.test({
  name: "a stratified subset of the real training set is balanced",
  ignore: gate.ignore,
  fn: async () => {
    const { train } = await data();
    const indices = stratifiedSubset(train, 100, 1);
    assert.deepEqual(
      classCounts(selectRecords(train, indices)),
      new Array(10).fill(100),
    );
  },
});
