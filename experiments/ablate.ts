/**
 * `deno task ablate`: the ablation suite. Plans every run of the grids in experiments/grids.ts
 * under a profile, skips the runs already finished in the results directory, runs the rest in
 * parallel worker processes (one run per process), prints a line per finished run with a suite
 * ETA, and writes the result tables. Resumable (a killed suite redoes only unfinished runs),
 * safe to run twice at once on one results directory (per-run locks), and shardable across
 * machines (`--shard K/N`).
 *
 *   deno task ablate --profile smoke
 *   deno task ablate --grid lr,batch --seeds 3 --jobs 2
 *   deno task ablate --list --shard 2/4
 *
 * @module
 */
import { access, constants, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { parseBackendName, selectBackend } from "../lib/backend/select.ts";
import { ensureCifar10 } from "../lib/data/locate.ts";
import { projectRoot } from "../lib/data/project.ts";
import { parseMemoryBudget } from "../lib/memory/budget.ts";
import { outOfMemoryInText } from "../lib/memory/out_of_memory.ts";
import { predictTrainingMemory } from "../lib/memory/training_memory.ts";
import { trainingFlops } from "../lib/model/vgg_cost.ts";
import { writeFailureSummary } from "../lib/record/run_writer.ts";
import {
  aggregateRuns,
  collectRunRows,
  type LrFindMark,
  readLrFindMark,
  writeAblationTables,
} from "../lib/store/ablation_tables.ts";
import {
  longestFirst,
  type PlannedRun,
  planRuns,
  relativeRunDir,
} from "../lib/store/plan.ts";
import { holdsLrFind, readLrFindFile } from "../lib/store/lr_find_store.ts";
import { acquireRunLock } from "../lib/store/run_lock.ts";
import {
  PROFILE_NAMES,
  type ProfileName,
  type RunSpec,
} from "../lib/store/run_spec.ts";
import { readRunState } from "../lib/store/run_store.ts";
import { SuiteEta } from "../lib/store/suite_eta.ts";
import { parseShard, type Shard, shardOf } from "../lib/store/shard.ts";
import {
  type PoolTask,
  type TaskOutcome,
  WorkerPool,
} from "../lib/store/worker_pool.ts";
import { parseCommandLine, runCli } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/errors.ts";
import { formatDuration } from "../lib/util/format.ts";
import { GRIDS, lrFindOfProfile, PROFILES } from "./grids.ts";
import { writeMemoryTables } from "../lib/memory/tables.ts";

const GRID_NAMES = GRIDS.map((grid) => grid.name);

const HELP =
  `Run the ablation grids: every config once per seed, in parallel worker processes,
resumable, with result tables at the end.

Usage: deno task ablate [options]

What
  --profile NAME      ${
    PROFILE_NAMES.join(" | ")
  } (default: gpu when the backend runs on a GPU, else cpu)
                        smoke: ${PROFILES.smoke.description}
                        cpu:   ${PROFILES.cpu.description}
                        gpu:   ${PROFILES.gpu.description}
  --grid NAMES        comma-separated subset of: ${
    GRID_NAMES.join(", ")
  } (default: all)
  --seeds N           repeats of every config (default: the profile's: smoke ${PROFILES.smoke.seeds}, cpu ${PROFILES.cpu.seeds}, gpu ${PROFILES.gpu.seeds})
  --no-lr-find        skip the LR range test that marks where "too large" begins in the lr grid
How
  --jobs N            runs at once, one process each (default: the core count, ${os.availableParallelism()} here)
  --shard K/N         run only slice K of N of the planned runs (for job arrays sharing --results)
  --list              print the planned runs (one JSON object a line) and exit; runs nothing
  --force             redo runs that already finished
  --backend NAME      auto | tensorflow | webgpu | wasm | cpu (default auto)
  --memory-budget X   hold every run to a simulated device of X bytes (e.g. 4GiB, gtx1050ti):
                      a run the memory model predicts not to fit is recorded as oom, untrained
  --save-models       save every trained model under its run's model/
  --verbose           echo the workers' own output
Where
  --results DIR       results directory (default results/)
  --data DIR          CIFAR-10 binary folder (default: $CIFAR10_DIR, then data/cifar-10-batches-bin)
  -h, --help          this text

Runs go to DIR/runs/<grid>/<config hash>/; a run with a valid summary.json is done and skipped.
Tables: DIR/tables/ablation_runs.csv and DIR/tables/ablation_<grid>.csv.
`;

const OPTIONS = {
  profile: { type: "string" },
  grid: { type: "string" },
  seeds: { type: "string" },
  "no-lr-find": { type: "boolean" },
  jobs: { type: "string" },
  shard: { type: "string" },
  list: { type: "boolean" },
  force: { type: "boolean" },
  backend: { type: "string", default: "auto" },
  "save-models": { type: "boolean" },
  "memory-budget": { type: "string" },
  verbose: { type: "boolean" },
  results: { type: "string" },
  data: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** A worker task: one run, or the lr grid's range test. */
type SuiteTask =
  & PoolTask
  & (
    | { kind: "run"; run: PlannedRun; costFlops: number }
    | { kind: "lr_find"; file: string; costFlops: number }
  );

const WORKER = path.join(projectRoot(), "experiments", "run_worker.ts");
const LR_FIND = path.join(projectRoot(), "experiments", "lr_find.ts");
const DENO_CONFIG = path.join(projectRoot(), "deno.json");

await runCli(async () => {
  const flags = parseCommandLine(OPTIONS, HELP);
  if (!flags) return;
  // Every flag is checked before anything is read, run or written.
  const grids = parseGrids(flags.grid);
  const explicitProfile = flags.profile === undefined
    ? undefined
    : parseProfile(flags.profile);
  const seeds = flags.seeds === undefined
    ? undefined
    : positiveInteger("--seeds", flags.seeds);
  const jobs = flags.jobs === undefined
    ? os.availableParallelism()
    : positiveInteger("--jobs", flags.jobs);
  const shard: Shard = flags.shard === undefined
    ? { index: 1, count: 1 }
    : parseShard(flags.shard);
  const backend = parseBackendName(flags.backend);
  const memoryBudgetBytes = flags["memory-budget"] === undefined
    ? undefined
    : parseMemoryBudget(flags["memory-budget"]);
  const resultsDir = path.resolve(
    flags.results ?? path.join(projectRoot(), "results"),
  );
  const profileName = explicitProfile ?? await profileForBackend(backend);
  const profile = PROFILES[profileName];
  const plan = planRuns({
    grids: GRIDS.filter((g) => grids.includes(g.name)),
    profile,
    seeds,
    backend,
    memoryBudgetBytes,
    resultsDir,
  });
  const mine = shardOf(plan, shard);

  if (flags.list) {
    for (const run of mine) {
      const state = await readRunState(run.dir, run.hash);
      process.stdout.write(
        `${JSON.stringify(listEntry(resultsDir, run, state.state))}\n`,
      );
    }
    return;
  }

  await assertWritable(resultsDir);
  const data = await ensureCifar10({ data: flags.data });
  const wantLrFind = !flags["no-lr-find"] && shard.index === 1 &&
    plan.some((run) => run.spec.knob === "lr");

  // What is left to do.
  const todo: PlannedRun[] = [];
  let done = 0;
  for (const run of mine) {
    const state = await readRunState(run.dir, run.hash);
    if (state.state === "corrupt") {
      console.error(`corrupt: ${state.problem}; redoing the run`);
    }
    if (state.state === "done" && !flags.force) done++;
    else todo.push(run);
  }
  console.error(
    `ablate: profile ${profile.name}, ${plan.length} runs planned` +
      (shard.count > 1
        ? `, shard ${shard.index}/${shard.count} has ${mine.length}`
        : "") +
      `; ${done} already done, ${todo.length} to run with ${jobs} job${
        jobs === 1 ? "" : "s"
      }`,
  );

  const workerArgs = (
    extra: string[],
  ) => ["run", "--allow-all", "--config", DENO_CONFIG, ...extra];
  const tasks: SuiteTask[] = longestFirst(todo).map((run) => ({
    kind: "run",
    id: `${run.spec.grid}/${run.hash}`,
    command: process.execPath,
    args: workerArgs([
      WORKER,
      "--spec",
      JSON.stringify(run.spec),
      "--results",
      resultsDir,
      "--data",
      data.dir,
      ...(flags.force ? ["--force"] : []),
      ...(flags["save-models"] ? ["--save-model"] : []),
    ]),
    run,
    costFlops: run.costFlops,
  }));
  const lrFind = lrFindOfProfile(profile);
  const lrFindFile = `lr_find/${lrFind.name}.json`;
  const lrFindCurrent = await holdsLrFind(
    path.join(resultsDir, lrFindFile),
    lrFind.config,
    lrFind.sweep,
  );
  if (wantLrFind && (flags.force || !lrFindCurrent)) {
    tasks.unshift({
      kind: "lr_find",
      id: "lr_find",
      command: process.execPath,
      args: workerArgs([
        LR_FIND,
        "--profile",
        profile.name,
        "--results",
        resultsDir,
        "--data",
        data.dir,
        "--backend",
        backend,
        "--force",
      ]),
      file: lrFindFile,
      costFlops: lrFind.sweep.steps * lrFind.config.batchSize *
        trainingFlops(lrFind.config.model),
    });
  }

  const pool = new WorkerPool({
    jobs,
    echoStderr: flags.verbose
      ? (text) => process.stderr.write(text)
      : undefined,
  });
  const stopOn = (signal: "SIGINT" | "SIGTERM") =>
    Deno.addSignalListener(signal, () => {
      pool.stop("SIGTERM");
      console.error(
        `\nablate: ${signal}; stopped. Finished runs are kept; run the same command to finish the rest.`,
      );
      process.exit(130);
    });
  stopOn("SIGINT");
  stopOn("SIGTERM");

  const eta = new SuiteEta(tasks, jobs);
  let finished = 0;
  let failures = 0;
  const locked: SuiteTask[] = [];
  const onFinish = async (outcome: TaskOutcome<SuiteTask>) => {
    finished++;
    eta.finish(outcome.task, outcome.seconds);
    const line = await describeOutcome(outcome, resultsDir);
    if (line.failed) failures++;
    if (line.locked) locked.push(outcome.task);
    console.error(
      `[${finished}/${tasks.length}] ${line.text} | ${eta.describe()}`,
    );
  };
  await pool.run(tasks, { onStart: (task) => eta.start(task), onFinish });

  // Runs another runner held: wait until it lets go, then finish them if it did not.
  while (locked.length > 0) {
    const waiting = locked.splice(0);
    console.error(
      `waiting for ${waiting.length} run(s) held by another runner...`,
    );
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    await pool.run(waiting, {
      onFinish: async (outcome) => {
        const line = await describeOutcome(outcome, resultsDir);
        if (line.failed) failures++;
        if (line.locked) locked.push(outcome.task);
        else console.error(`[late] ${line.text}`);
      },
    });
  }

  const lrMark = await readLrFindMark(resultsDir, lrFindFile);
  const marks: Record<string, LrFindMark> = lrMark
    ? { [profile.name]: lrMark }
    : {};
  const files = [
    ...await writeAblationTables(resultsDir, plan, { lrFind: marks }),
    // The predicted memory frontier is pure arithmetic; the measured agreement table and the real
    // out-of-memory runs come from `deno task memory`.
    ...await writeMemoryTables(resultsDir),
  ];
  printSummary(await collectRunRows(plan), plan.length);
  console.error(
    `tables: ${files.map((f) => path.relative(process.cwd(), f)).join(", ")}`,
  );
  try {
    // Loaded here: the report pulls in the plotting libraries, which --list and bad input skip.
    const { writeReport } = await import("../lib/report/report.ts");
    const report = await writeReport({
      resultsDir,
      profile: profile.name,
      dataDir: data.dir,
    });
    console.error(
      `report: ${path.relative(process.cwd(), report.readmePath)}`,
    );
  } catch (error) {
    console.error(`ablate: the report failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
  if (failures > 0) {
    console.error(
      `ablate: ${failures} run(s) ended in error (see their summary.json)`,
    );
    process.exitCode = 1;
  }
});

function parseGrids(text: string | undefined): string[] {
  if (text === undefined) return GRID_NAMES;
  const names = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  for (const name of names) {
    if (!GRID_NAMES.includes(name)) {
      throw new ConfigError(
        `unknown grid "${name}" (valid: ${GRID_NAMES.join(", ")})`,
      );
    }
  }
  if (names.length === 0) throw new ConfigError("--grid names no grid");
  return names;
}

function parseProfile(text: string): ProfileName {
  if (!(PROFILE_NAMES as readonly string[]).includes(text)) {
    throw new ConfigError(
      `unknown profile "${text}" (valid: ${PROFILE_NAMES.join(", ")})`,
    );
  }
  return text as ProfileName;
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`${flag} must be an integer >= 1, got "${text}"`);
  }
  return value;
}

/** gpu when the backend computes on a GPU, else cpu. */
async function profileForBackend(
  backend: ReturnType<typeof parseBackendName>,
): Promise<ProfileName> {
  const info = await selectBackend({ backend });
  const onGpu = info.device === "GPU (CUDA)" ||
    (info.name === "webgpu" && !/fallback|software/i.test(info.reason));
  console.error(
    `ablate: no --profile; backend ${info.name} ${
      onGpu ? "runs on a GPU" : "runs on the CPU"
    }` +
      `, so profile ${onGpu ? "gpu" : "cpu"}`,
  );
  return onGpu ? "gpu" : "cpu";
}

async function assertWritable(dir: string): Promise<void> {
  const probe = path.join(dir, `.write-test-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    await writeFile(probe, "");
    await rm(probe, { force: true });
  } catch (error) {
    throw new ConfigError(
      `results directory ${dir} is not writable (${
        (error as NodeJS.ErrnoException).code ?? (error as Error).message
      })`,
    );
  }
}

function listEntry(resultsDir: string, run: PlannedRun, state: string) {
  const { spec } = run;
  return {
    grid: spec.grid,
    profile: spec.profile,
    knob: spec.knob,
    value: spec.value,
    seedIndex: spec.seedIndex,
    hash: run.hash,
    dir: relativeRunDir(resultsDir, run.dir),
    state,
    predictedPeakBytes: predictedPeakBytes(spec),
    costGflops: Math.round(run.costFlops / 1e9),
  };
}

function predictedPeakBytes(spec: RunSpec): number {
  return predictTrainingMemory(spec.train).totalPeakBytes;
}

async function describeOutcome(
  outcome: TaskOutcome<SuiteTask>,
  resultsDir: string,
): Promise<{ text: string; failed: boolean; locked: boolean }> {
  const { task } = outcome;
  const took = formatDuration(outcome.seconds);
  const lastLine = outcome.stderrTail.trim().split("\n").at(-1) ?? "";
  if (task.kind === "lr_find") {
    const stored = await readLrFindFile(path.join(resultsDir, task.file));
    if (outcome.code !== 0 || stored === null) {
      return {
        text: `lr-find failed (${
          outcome.signal ?? `exit ${outcome.code}`
        }): ${lastLine}`,
        failed: true,
        locked: false,
      };
    }
    const lr = (x: number | null) => (x === null ? "none" : x.toPrecision(2));
    const { steepest, valley } = stored.suggestions;
    return {
      text:
        `lr-find: lowest loss at lr ${lr(stored.minLossLr)}, steepest ${
          lr(steepest)
        }, ` +
        `valley ${lr(valley)}; ${stored.stoppedBecause} (${took})`,
      failed: false,
      locked: false,
    };
  }
  const { run } = task;
  const label =
    `${run.spec.grid} ${run.spec.knob}=${run.spec.value} seed ${run.spec.seedIndex}`;
  const reported = parseWorkerLine(outcome.stdout);
  if (reported?.outcome === "locked") {
    return {
      text: `${label}: held by another runner, will wait`,
      failed: false,
      locked: true,
    };
  }
  let state = await readRunState(run.dir, run.hash);
  if (state.state !== "done") {
    // The worker died without a summary (a native abort, a kill): record that, holding the lock.
    const lock = await acquireRunLock(run.lockPath);
    if (lock) {
      try {
        const status = outOfMemoryInText(outcome.stderrTail) ? "oom" : "error";
        await writeFailureSummary(run.dir, {
          status,
          statusReason: `worker ${
            outcome.signal
              ? `killed by ${outcome.signal}`
              : `exited with ${outcome.code}`
          }: ${lastLine}`,
          startedAt: new Date(Date.now() - outcome.seconds * 1000),
          identity: { grid: run.spec.grid, hash: run.hash },
          seed: run.spec.train.seed,
          memory: { predictedPeakBytes: predictedPeakBytes(run.spec) },
        });
        await writeFile(
          path.join(run.dir, "config.json"),
          `${JSON.stringify(run.spec, null, 2)}\n`,
          { flag: "wx" },
        ).catch(() => {});
      } finally {
        await lock.release();
      }
      state = await readRunState(run.dir, run.hash);
    }
  }
  if (state.state !== "done") {
    return {
      text: `${label}: no summary (${lastLine})`,
      failed: true,
      locked: false,
    };
  }
  const s = state.summary;
  const acc = s.final?.testAccuracy;
  const metric = acc === undefined
    ? s.statusReason
    : `test acc ${acc.toFixed(3)}`;
  return {
    text: `${label}: ${s.status}, ${metric}, ${formatDuration(s.wallSeconds)}`,
    failed: s.status === "error",
    locked: false,
  };
}

function parseWorkerLine(stdout: string): { outcome?: string } | undefined {
  const last = stdout.trim().split("\n").at(-1);
  try {
    return last ? JSON.parse(last) : undefined;
  } catch {
    return undefined;
  }
}

function printSummary(
  rows: Awaited<ReturnType<typeof collectRunRows>>,
  planned: number,
): void {
  console.error(`\n${rows.length} of ${planned} planned runs finished:`);
  const fmt = (
    m: { mean: number | null; std: number | null },
    digits: number,
  ) =>
    m.mean === null
      ? "n/a"
      : m.std === null
      ? m.mean.toFixed(digits)
      : `${m.mean.toFixed(digits)} ± ${m.std.toFixed(digits)}`;
  for (const c of aggregateRuns(rows)) {
    const statuses = Object.entries(c.statusCounts).map(([s, n]) => `${n} ${s}`)
      .join(", ");
    console.error(
      `  ${c.grid.padEnd(10)} ${c.knob}=${String(c.value).padEnd(6)} ${
        statuses.padEnd(22)
      } test acc ${fmt(c.testAccuracy, 3)}, last-window loss ${
        fmt(c.finalWindowLoss, 3)
      }`,
    );
  }
}
