import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import {
  numberFlag,
  parseCommandLine,
  parseCommandLineWithArguments,
} from "./cli.ts";

const OPTIONS = {
  lr: { type: "string" },
  force: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

Deno.test("flags parse to their values; a stray argument is a one-line ConfigError", () => {
  assert.deepEqual(
    { ...parseCommandLine(OPTIONS, "", ["--lr", "0.1", "--force"]) },
    { lr: "0.1", force: true },
  );
  assert.throws(
    () => parseCommandLine(OPTIONS, "", ["--lr", "0.1", "extra"]),
    (e: Error) =>
      e instanceof ConfigError && /unexpected argument "extra"/.test(e.message),
  );
  assert.throws(
    () => parseCommandLine(OPTIONS, "", ["--nope"]),
    (e: Error & { code?: string }) =>
      e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION",
  );
});

Deno.test("numbers are checked: absent is undefined, text is an error naming the flag", () => {
  assert.equal(numberFlag("lr", "1e-3"), 0.001);
  assert.equal(numberFlag("lr", undefined), undefined);
  for (const raw of ["fast", "", " "]) {
    assert.throws(
      () => numberFlag("lr", raw),
      (e: Error) =>
        e instanceof ConfigError &&
        e.message === `--lr must be a number, got "${raw}"`,
    );
  }
});

Deno.test("commands that take arguments get them beside the flags; unknown flags still fail", () => {
  const parsed = parseCommandLineWithArguments(OPTIONS, "", [
    "01_data",
    "--force",
    "02_model",
  ]);
  assert.deepEqual({ ...parsed?.flags }, { force: true });
  assert.deepEqual(parsed?.positionals, ["01_data", "02_model"]);
  assert.throws(
    () => parseCommandLineWithArguments(OPTIONS, "", ["--nope"]),
    (e: Error & { code?: string }) =>
      e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION",
  );
});
