/**
 * What a part of the report is made of, before anything is written: its claims, and a sequence
 * of blocks — markdown text, tables (written to results/tables/<name>.csv and shown in the
 * README), Vega-Lite plots (written to results/plots/<name>.vl.json and .svg) and images.
 *
 * @example
 * ```ts
 * import type { ReportSection } from "./section.ts";
 * const section: ReportSection = {
 *   id: "f3",
 *   title: "F3 — learning rate",
 *   claims: [],
 *   blocks: ["No runs yet."],
 * };
 * ```
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import type { Claim } from "./claim.ts";
import type { CsvValue } from "./csv.ts";

/** One column of a {@linkcode ReportTable}. */
export interface TableColumn {
  /** The field of each row, and the CSV header. */
  key: string;
  /** The README's column header. */
  label: string;
  /** How the README shows a value; default: as is, "" for null. */
  format?: (value: CsvValue) => string;
}

/** A table: raw values go to CSV, formatted ones to the README. */
export interface ReportTable {
  kind: "table";
  /** File name under results/tables/, without ".csv". */
  name: string;
  /**
   * A CSV another command already wrote (relative to the results directory): the README links
   * to it instead of the report writing a copy.
   */
  source?: string;
  columns: TableColumn[];
  rows: Record<string, CsvValue>[];
}

/** A Vega-Lite plot. */
export interface ReportPlot {
  kind: "plot";
  /** File name under results/plots/, without extension. */
  name: string;
  /** Alt text and caption: what the plot shows. */
  caption: string;
  spec: TopLevelSpec;
}

/** A picture drawn as SVG by the section itself, written as SVG and rendered to PNG. */
export interface ReportImage {
  kind: "image";
  /** File name under results/plots/, without extension. */
  name: string;
  caption: string;
  svg: string;
}

/** A piece of a section: markdown text, a table, a plot or an image. */
export type SectionBlock = string | ReportTable | ReportPlot | ReportImage;

/** One part of the report. */
export interface ReportSection {
  /** Anchor-friendly id. */
  id: string;
  /** The heading. */
  title: string;
  claims: Claim[];
  blocks: SectionBlock[];
}
