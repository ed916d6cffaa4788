import { spawnSync } from 'node:child_process';

/** One sample of the Prometheus text format: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type?: string;
  help?: string;
  samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text exposition format into families (HELP, TYPE and their samples). */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    const f = families.get(name) ?? { name, samples: [] };
    families.set(name, f);
    return f;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const f = family(meta[2]!);
      if (meta[1] === 'HELP') f.help = meta[3];
      else f.type = meta[3];
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(LABEL)].map((l) => [l[1]!, l[2]!]));
    const name = m[1]!;
    const base = name.replace(/_(bucket|sum|count)$/, '');
    const owner = families.has(name) ? name : families.has(base) ? base : name;
    family(owner).samples.push({ name, labels, value: Number(m[3]) });
  }
  return families;
}

/** Every sample of every family, flattened. */
export const samplesOf = (text: string): Sample[] =>
  [...parseExposition(text).values()].flatMap((f) => f.samples);

// Non-base units and abbreviations promtool's linter refuses in a metric name.
const NON_BASE_UNITS =
  /(^|_)(milliseconds|microseconds|nanoseconds|minutes|hours|days|weeks|kilobytes|megabytes|gigabytes|millis|ms|sec|secs|msec|usec|mins|hrs|kb|mb|gb|percent)(_|$)/;

/**
 * The rules `promtool check metrics` applies (HELP and TYPE present, `_total` only on counters and always
 * on them, no `_sum`/`_count`/`_bucket` outside histograms and summaries, snake_case names and labels,
 * base units, `le`/`quantile` only where they belong). Returns one line per problem.
 */
export function lintMetrics(text: string): string[] {
  const problems: string[] = [];
  for (const f of parseExposition(text).values()) {
    const say = (what: string) => problems.push(`${f.name}: ${what}`);
    if (!f.type) say('no TYPE');
    if (!f.help) say('no help text');
    if (f.type === 'counter' && !f.name.endsWith('_total'))
      say('counter metrics should have "_total" suffix');
    if (f.type !== 'counter' && f.name.endsWith('_total'))
      say('non-counter metrics should not have "_total" suffix');
    if (f.type !== 'histogram' && f.type !== 'summary' && /_(sum|count|bucket)$/.test(f.name))
      say('non-histogram and non-summary metrics should not have "_sum", "_count" or "_bucket" suffixes');
    if (/[A-Z]/.test(f.name)) say("metric names should be written in 'snake_case' not 'camelCase'");
    if (NON_BASE_UNITS.test(f.name)) say('use base units (seconds, bytes, ratios) in metric names');
    for (const s of f.samples) {
      for (const label of Object.keys(s.labels)) {
        if (/[A-Z]/.test(label)) say(`label names should be written in 'snake_case' (${label})`);
        if (label === 'le' && f.type !== 'histogram') say('"le" label on a non-histogram');
        if (label === 'quantile' && f.type !== 'summary') say('"quantile" label on a non-summary');
      }
    }
  }
  return [...new Set(problems)];
}

/** `promtool check metrics` on `text`, or undefined when promtool is not installed. */
export function promtool(text: string): { status: number; output: string } | undefined {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}
