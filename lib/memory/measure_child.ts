/**
 * Child-process entry of `measureInChildProcess` (isolated.ts): measures one config in a fresh
 * process, so a fresh wasm heap, and prints the measurement as one JSON line after
 * `MEASUREMENT_MARKER`. Its one argument is the JSON of a `ChildRequest`. A native abort kills
 * only this process; the parent records it.
 *
 *   deno run --allow-all lib/memory/measure_child.ts '{"config":{...},"backend":"wasm"}'
 *
 * @module
 */
import process from "node:process";
import { selectBackend } from "../backend/select.ts";
import { type ChildRequest, MEASUREMENT_MARKER } from "./isolated.ts";
import { measureTrainingMemory } from "./measure.ts";

const request = JSON.parse(process.argv[2] ?? "") as ChildRequest;
await selectBackend({ backend: request.backend });
const measured = await measureTrainingMemory(request.config, {
  steps: request.steps,
  budgetBytes: request.budgetBytes,
});
process.stdout.write(`${MEASUREMENT_MARKER}${JSON.stringify(measured)}\n`);
