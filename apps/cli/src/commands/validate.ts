import { readFileSync } from 'node:fs';
import { HeadroomError, isHeadroomError } from '@headroom/errors';
import {
  buildCommand,
  isProgramSweep,
  isTaskSweep,
  previewSweep,
  type ProgramTrialParams,
  type SweepPreview,
  type SweepSpec,
} from '@headroom/sweep';
import { parseSweepText } from '@headroom/sweep/load';

/** Trials `sweep validate` shows when `--sample` is not given. */
const DEFAULT_SAMPLE = 3;

function parseSample(sample: string | undefined): number {
  if (sample === undefined) return DEFAULT_SAMPLE;
  const k = Number(sample);
  if (!Number.isSafeInteger(k) || k < 0)
    throw new HeadroomError('INVALID_INPUT', `--sample takes a whole number ≥ 0; got ${sample}`);
  return k;
}

/**
 * `headroom sweep validate FILE [--json] [--sample K]`: parses, validates and expands the file
 * here, with the same code createSweep runs, without launching anything or reaching the API.
 * Invalid: every violation with its path, exit 2 (on stdout as JSON with --json).
 */
export function validateSweepCommand(
  file: string,
  opts: { json?: boolean; sample?: string },
): number {
  const sample = parseSample(opts.sample);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new HeadroomError(
      'INVALID_INPUT',
      `${file}: cannot read the sweep file (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  let spec: SweepSpec;
  let preview: SweepPreview;
  try {
    spec = parseSweepText(text, file);
    preview = previewSweep(spec, sample);
  } catch (err) {
    if (opts.json && isHeadroomError(err) && err.code === 'INVALID_SPEC') {
      console.log(JSON.stringify({ valid: false, violations: err.violations }));
      return 2;
    }
    throw err;
  }
  if (opts.json) {
    console.log(JSON.stringify(preview));
    return 0;
  }
  console.log(describe(file, spec, preview).join('\n'));
  return 0;
}

function describe(file: string, spec: SweepSpec, preview: SweepPreview): string[] {
  const kind = isTaskSweep(spec) ? `task ${spec.task}` : `program ${spec.program}`;
  const count =
    preview.trialCount === null
      ? 'runs until stopped (no run_cap)'
      : `${preview.trialCount} trial${preview.trialCount === 1 ? '' : 's'}`;
  const lines = [`${file}: valid — ${spec.name}: ${kind}, method ${spec.method}, ${count}`];
  if (spec.metric) {
    const target = spec.metric.target === undefined ? '' : `, target ${spec.metric.target}`;
    lines.push(`metric: ${spec.metric.name} (${spec.metric.goal ?? 'minimize'}${target})`);
  }
  if (spec.early_terminate) {
    const et = spec.early_terminate;
    const rungs =
      et.max_iter !== undefined ? `max_iter ${et.max_iter}, s ${et.s}` : `min_iter ${et.min_iter}`;
    lines.push(
      `early_terminate: hyperband, ${rungs}, eta ${et.eta}${et.strict ? '' : ', not strict'}`,
    );
  }
  lines.push(`parameters: ${preview.parameters.join(', ')}`);
  if (preview.sample.length > 0) {
    lines.push(spec.method === 'bayes' ? 'sample (drawn from the priors):' : 'sample:');
    preview.sample.forEach((trial, i) => {
      lines.push(`  ${i}: ${JSON.stringify(trial)}`);
      if (isProgramSweep(spec)) {
        const { argv } = buildCommand(spec, trial as ProgramTrialParams, {
          env: process.env,
          argsJsonFile: '<trial dir>/args.json',
        });
        lines.push(`     $ ${argv.join(' ')}`);
      }
    });
  }
  return lines;
}
