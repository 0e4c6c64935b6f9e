/**
 * For the entry points' tests: runs one `experiments/<name>.ts` as a user would, in its own Deno
 * process, and returns its exit code and output.
 *
 * @example
 * ```ts
 * import { runEntryPoint } from "./test_support.ts";
 * const { code, stderr } = await runEntryPoint("train.ts", ["--lr", "-1"]);
 * // code 2, stderr "error: lr must be a positive finite number, got -1\n"
 * ```
 * @module
 */

/** What a finished entry-point process left. */
export interface EntryPointResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `experiments/<file>` with `args`, without colours, with `env` added to the environment. */
export async function runEntryPoint(
  file: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<EntryPointResult> {
  const script = new URL(`./${file}`, import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", script, ...args],
    env: { NO_COLOR: "1", ...env },
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}
