import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { fitAffine } from "./affine.ts";

Deno.test("a line through points on it has zero residual", () => {
  const fit = fitAffine([[2, 17.2e6], [4, 18.8e6], [8, 22e6], [16, 28.4e6]]);
  assert.ok(Math.abs(fit.slope - 0.8e6) < 1e-6);
  assert.ok(Math.abs(fit.intercept - 15.6e6) < 1e-3);
  assert.ok(fit.maxRelativeResidual < 1e-12);
  assert.ok(Math.abs(fit.rSquared - 1) < 1e-12);
});

Deno.test("a bent series shows in the residual", () => {
  const fit = fitAffine([[1, 10], [2, 20], [3, 30], [4, 80]]);
  assert.ok(fit.maxRelativeResidual > 0.1);
  assert.ok(fit.rSquared < 0.9);
});

Deno.test("fewer than two distinct x values cannot be fitted", () => {
  assert.throws(() => fitAffine([[4, 1]]), ConfigError);
  assert.throws(() => fitAffine([[4, 1], [4, 2]]), ConfigError);
});
