/**
 * Run-time detection of the native TensorFlow backend (`@tensorflow/tfjs-node-gpu`, else
 * `@tensorflow/tfjs-node`). Neither is a dependency of the suite: their install scripts download
 * libtensorflow (and, for the GPU build, need CUDA), so a user opts in by installing one, and this
 * module finds it with a dynamic import. The import goes through an injectable
 * {@linkcode ModuleImporter} so tests can simulate a package that is present, absent or broken.
 *
 * Runs on Deno and Node.
 *
 * @example
 * ```ts
 * import { detectTensorflow } from "./tensorflow.ts";
 * const found = await detectTensorflow();
 * console.log(found.ok ? `${found.packageName} ${found.version}` : found.reason);
 * ```
 * @module
 */
import process from "node:process";
import { version_core } from "@tensorflow/tfjs-core";

/** Loads a module by specifier, like `import()`; replaced in tests. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

/** The packages that provide the "tensorflow" backend, in the order they are tried. */
export const TENSORFLOW_PACKAGES = [
  "@tensorflow/tfjs-node-gpu",
  "@tensorflow/tfjs-node",
] as const;

/** A package of {@linkcode TENSORFLOW_PACKAGES}. */
export type TensorflowPackage = typeof TENSORFLOW_PACKAGES[number];

/** What {@linkcode detectTensorflow} found. */
export type TensorflowDetection =
  | {
    ok: true;
    /** The package that loaded (and registered the "tensorflow" backend). */
    packageName: TensorflowPackage;
    /** Its version, e.g. "4.22.0" ("unknown" if the package does not say). */
    version: string;
    /** One line on the packages tried before it, empty when the first one loaded. */
    skipped: string;
  }
  | {
    ok: false;
    /** One line: why each package could not be used. */
    reason: string;
    /** One line: what to run to make the backend available. */
    setup: string;
  };

/** Options of {@linkcode detectTensorflow}. */
export interface DetectTensorflowOptions {
  /** How packages are loaded. Default: a dynamic `import()` resolved from this file. */
  importModule?: ModuleImporter;
}

/**
 * Tries to load `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`. Loading one registers
 * the "tensorflow" backend with tfjs-core (and makes it the active backend). Never throws: a
 * missing or broken package is reported in `reason`, with the `setup` command that fixes it.
 *
 * @example
 * ```ts
 * import { detectTensorflow } from "./tensorflow.ts";
 * const absent = await detectTensorflow({
 *   importModule: (specifier) =>
 *     Promise.reject(Object.assign(new Error(`Cannot find package '${specifier}'`), {
 *       code: "ERR_MODULE_NOT_FOUND",
 *     })),
 * });
 * console.log(absent.ok); // false
 * ```
 */
export async function detectTensorflow(
  options: DetectTensorflowOptions = {},
): Promise<TensorflowDetection> {
  const { importModule = importByName } = options;
  const failures: string[] = [];
  let broken: TensorflowPackage | undefined;
  for (const packageName of TENSORFLOW_PACKAGES) {
    let loaded: unknown;
    try {
      loaded = await importModule(packageName);
    } catch (error) {
      if (isNotInstalled(error, packageName)) {
        failures.push(`${packageName} is not installed`);
      } else {
        broken ??= packageName;
        const why = `installed but failed to load (${firstLine(error)})`;
        failures.push(`${packageName} is ${why}`);
      }
      continue;
    }
    return {
      ok: true,
      packageName,
      version: packageVersion(loaded),
      skipped: failures.join(", "),
    };
  }
  return {
    ok: false,
    reason: failures.join(", "),
    setup: tensorflowSetup(broken),
  };
}

/**
 * One line telling the user how to install the native backend; when `broken` names an installed
 * package that failed to load, how to rerun its install script instead. The commands are Deno's,
 * which also fill the node_modules that Node (`npx tsx`) reads; under Node the npm equivalent is
 * added for projects whose node_modules npm manages.
 *
 * @example
 * ```ts
 * import { tensorflowSetup } from "./tensorflow.ts";
 * console.log(tensorflowSetup()); // "run `deno add npm:@tensorflow/tfjs-node-gpu@4.22.0 && ..."
 * ```
 */
export function tensorflowSetup(
  broken?: TensorflowPackage,
  runtime: "deno" | "node" = process.versions.deno ? "deno" : "node",
): string {
  const fetches = "so its install script fetches libtensorflow and the addon";
  const needs = "the GPU build needs Linux x86_64 with CUDA 11.2 and cuDNN 8.1";
  const cuda = `${needs}, else use @tensorflow/tfjs-node@${version_core}`;
  const name = broken ?? "@tensorflow/tfjs-node-gpu";
  const pinned = `${name}@${version_core}`;
  const allow = `deno install --allow-scripts=npm:${name}`;
  const deno = broken
    ? `run \`${allow}\` ${fetches}`
    : `run \`deno add npm:${pinned} && ${allow}\` (${cuda})`;
  if (runtime === "deno") return deno;
  const npm = broken ? `npm rebuild ${name}` : `npm install ${pinned}`;
  return `${deno}; in an npm-managed project: \`${npm}\``;
}

/**
 * The default importer. The specifier is a variable so that neither `deno check` nor the lockfile
 * treats the optional packages as dependencies; Deno resolves it through deno.json "imports"
 * (where `deno add` puts it), Node through node_modules.
 */
function importByName(specifier: string): Promise<unknown> {
  return import(specifier);
}

type ErrorLike = { code?: string; message?: string };

/**
 * Whether `error` says that `packageName` itself cannot be found, as opposed to the package
 * being there but failing (a missing dependency of it, a missing native addon).
 */
function isNotInstalled(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as ErrorLike;
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") {
    return false;
  }
  const text = String(message);
  const quoted = [`'${packageName}'`, `"${packageName}"`];
  return quoted.some((name) => text.includes(name));
}

function packageVersion(loaded: unknown): string {
  const exports = loaded as { version?: Record<string, unknown> } | null;
  const value = exports?.version?.["tfjs-node"];
  return typeof value === "string" ? value : "unknown";
}

/** The first line of an error's message, for one-line reports. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0].trim().replace(/[.\s]+$/, "");
}
