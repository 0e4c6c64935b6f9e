import assert from "node:assert/strict";
import { PLANE_BYTES } from "./cifar10.ts";
import { normalizeImages } from "./normalize.ts";
import { ConfigError } from "../util/errors.ts";

Deno.test("normalizeImages applies each channel's mean and std to its plane", () => {
  const images = new Uint8Array(2 * 3 * PLANE_BYTES);
  images[0] = 255; // image 0, red
  images[PLANE_BYTES + 1] = 51; // image 0, green
  images[3 * PLANE_BYTES + 2 * PLANE_BYTES] = 102; // image 1, blue
  const x = normalizeImages(images, {
    mean: [0.5, 0.25, 0.1],
    std: [0.5, 0.25, 0.2],
  });
  assert.equal(x.length, images.length);
  assert.equal(x[0], 1);
  assert.ok(Math.abs(x[1] - -1) < 1e-7);
  assert.ok(Math.abs(x[PLANE_BYTES + 1] - (0.2 - 0.25) / 0.25) < 1e-6);
  assert.ok(Math.abs(x[5 * PLANE_BYTES] - (0.4 - 0.1) / 0.2) < 1e-6);
  assert.ok(Math.abs(x[5 * PLANE_BYTES + 1] - -0.5) < 1e-6);
});

Deno.test("normalizeImages rejects bad statistics and partial images", () => {
  const images = new Uint8Array(3 * PLANE_BYTES);
  assert.throws(
    () => normalizeImages(images, { mean: [0.5, 0.5], std: [1, 1, 1] }),
    new ConfigError("normalize: mean must be 3 finite numbers, got [0.5,0.5]"),
  );
  assert.throws(
    () => normalizeImages(images, { mean: [0, 0, 0], std: [1, 0, 1] }),
    /std must be 3 positive numbers/,
  );
  assert.throws(
    () =>
      normalizeImages(new Uint8Array(5), { mean: [0, 0, 0], std: [1, 1, 1] }),
    /5 bytes is not a whole number/,
  );
});
