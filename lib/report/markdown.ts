/**
 * Markdown pieces of the README: tables with escaped cells, and the claim block that shows a
 * verdict, its statement, the rule and the evidence.
 *
 * @example
 * ```ts
 * import { markdownTable } from "./markdown.ts";
 * markdownTable(["lr", "status"], [["0.1", "stuck_at_chance"]]);
 * // "| lr | status |\n| --- | --- |\n| 0.1 | stuck_at_chance |"
 * ```
 * @module
 */
import { type Claim, verdictLabel } from "./claim.ts";
import type { ReportTable } from "./section.ts";

/**
 * A GitHub-flavoured markdown table; "|" and line breaks inside cells are escaped.
 *
 * @example
 * ```ts
 * import { markdownTable } from "./markdown.ts";
 * markdownTable(["a"], [["x|y"]]); // "| a |\n| --- |\n| x\\|y |"
 * ```
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) =>
    `| ${cells.map(escapeCell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)]
    .join("\n");
}

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|").replace(/\r?\n/g, " ");
}

/**
 * A {@linkcode ReportTable} as markdown, each value through its column's `format`.
 *
 * @example
 * ```ts
 * import { reportTableMarkdown } from "./markdown.ts";
 * reportTableMarkdown({
 *   kind: "table",
 *   name: "t",
 *   columns: [{ key: "acc", label: "accuracy", format: (v) => `${v}` }],
 *   rows: [{ acc: 0.5 }],
 * }); // "| accuracy |\n| --- |\n| 0.5 |"
 * ```
 */
export function reportTableMarkdown(table: ReportTable): string {
  return markdownTable(
    table.columns.map((c) => c.label),
    table.rows.map((row) =>
      table.columns.map((c) => {
        const value = row[c.key];
        if (c.format) return c.format(value);
        return value === null || value === undefined ? "" : String(value);
      })
    ),
  );
}

/**
 * A claim as a markdown block: the verdict and statement in bold-led lines, then the rule, the
 * evidence as a list, and the command that would settle a "?".
 *
 * @example
 * ```ts
 * import { claimMarkdown } from "./markdown.ts";
 * claimMarkdown({
 *   id: "F3", title: "lr", verdict: "reproduced", statement: "Stuck at lr >= 0.1.",
 *   rule: "all seeds stuck", evidence: ["lr 0.1: 3/3 stuck"],
 * });
 * ```
 */
export function claimMarkdown(claim: Claim): string {
  const lines = [
    `**${claim.id} ${verdictLabel(claim.verdict)}** — ${claim.title}.`,
    "",
    claim.statement,
    "",
    `<sub>Rule: ${claim.rule}</sub>`,
  ];
  if (claim.evidence.length > 0) {
    lines.push("", ...claim.evidence.map((line) => `- ${line}`));
  }
  if (claim.next) lines.push("", `More runs: \`${claim.next}\``);
  return lines.join("\n");
}
