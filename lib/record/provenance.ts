/**
 * Where a result came from: the code's git commit, the runtime and the time, recorded with every
 * run so a number can be traced back to what produced it.
 *
 * @example
 * ```ts
 * import { gitCommit } from "./provenance.ts";
 * await gitCommit(); // "ab5bc18…" or "unknown" outside a git checkout
 * ```
 * @module
 */
import { execFile } from "node:child_process";
import process from "node:process";

/**
 * The commit checked out in `cwd` (default: the current directory), with "+dirty" when tracked
 * files have uncommitted changes; "unknown" when git or the checkout is missing.
 */
export function gitCommit(cwd = process.cwd()): Promise<string> {
  const git = (args: string[]) =>
    new Promise<string>((resolve) =>
      execFile(
        "git",
        args,
        { cwd },
        (error, stdout) => resolve(error ? "" : stdout.trim()),
      )
    );
  return Promise.all([
    git(["rev-parse", "HEAD"]),
    git(["status", "--porcelain", "--untracked-files=no"]),
  ]).then(([head, status]) =>
    head === "" ? "unknown" : status === "" ? head : `${head}+dirty`
  );
}
