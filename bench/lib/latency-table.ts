import { percentile } from './stats.js';

export interface Summary {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  return {
    samples: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

/** One row of a fixed-width table: name, then the summary in milliseconds. */
export function formatRow(name: string, summary: Summary): string {
  const ms = (value: number) => value.toFixed(1).padStart(8);
  return `${name.padEnd(44)}${String(summary.samples).padStart(8)}${ms(summary.p50)}${ms(summary.p95)}${ms(summary.p99)}${ms(summary.max)}`;
}

export const TABLE_HEADER = `${'case'.padEnd(44)}${'samples'.padStart(8)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}   (ms)`;
