/**
 * A program trial's command line, built as W&B's agent builds it (wandb `wandb_agent.py`
 * `_command_run`, `sdk/launch/sweeps/utils.py` `create_sweep_command` and
 * `create_sweep_command_args`): `${envvar:NAME}` replaced anywhere in an item, then each item
 * that is a whole `${macro}` replaced by its words. Pure: the worker gives the environment and
 * the path of the args JSON file, and writes that file when asked.
 */
import type { Violation } from '@headroom/errors';
import type { ProgramTrialParams, SpecValue } from './parameter-spec';
import type { ProgramSweepSpec } from './spec';
import { joinPath, listWords } from './violations';

/** The macros an item of `command` may be, each replaced by a list of words. */
export const COMMAND_MACROS = [
  'env',
  'interpreter',
  'program',
  'args',
  'args_no_equals',
  'args_no_hyphens',
  'args_no_boolean_flags',
  'args_json',
  'args_json_file',
  'args_append_hydra',
  'args_override_hydra',
] as const;
export type CommandMacro = (typeof COMMAND_MACROS)[number];

/** W&B's command when a sweep gives none. */
export const DEFAULT_COMMAND: readonly string[] = [
  '${env}',
  '${interpreter}',
  '${program}',
  '${args}',
];

/** What `${interpreter}` and `${env}` are, as W&B's agent has them on Linux and macOS. */
export const DEFAULT_INTERPRETER = 'python';
export const ENV_COMMAND = '/usr/bin/env';

const ENVVAR = /\$\{envvar:([A-Z0-9_]*)\}/g;

/** W&B drops an item that is an unknown `${…}`; Headroom refuses it so a typo is not silently lost. */
export function checkCommand(command: readonly string[], violations: Violation[]): void {
  command.forEach((item, i) => {
    const bare = item.replace(ENVVAR, '');
    if (item.startsWith('${') && item.endsWith('}') && bare === item) {
      const macro = item.slice(2, -1);
      if (!(COMMAND_MACROS as readonly string[]).includes(macro)) {
        violations.push({
          path: joinPath('command', i),
          message: `unknown macro ${item}; use ${listWords(COMMAND_MACROS.map((m) => `\${${m}}`))} or \${envvar:NAME}`,
        });
      }
    }
  });
}

export interface BuiltCommand {
  /** The program and its arguments, ready for spawn (no shell). */
  argv: string[];
  /** `${args_json_file}` was used: write `content` to `path` before starting the program. */
  argsJsonFile?: { path: string; content: string };
}

export interface BuildCommandOptions {
  /** The environment `${envvar:NAME}` reads (W&B leaves NAME itself when it is unset). */
  env: Readonly<Record<string, string | undefined>>;
  /** Where `${args_json_file}` points: the worker's per-trial file. */
  argsJsonFile: string;
  /** `${interpreter}`; W&B's agent always says `python`. */
  interpreter?: string;
}

/**
 * The command line of one program trial. Arguments are the trial's top-level names in W&B's
 * order (sorted), each value written as Python's `str()` writes it (`True`, `None`, `1e-05`,
 * `{'lr': 0.001}` for nested parameters), since W&B's agent formats them in Python:
 *
 * - `${args}` `--name=value`; `${args_no_hyphens}` `name=value`; `${args_no_equals}` `--name value`;
 * - `${args_no_boolean_flags}` `--name` for true, nothing for false, `--name=value` otherwise;
 * - `${args_json}` one word, `json.dumps` of the values; `${args_json_file}` the path of a file
 *   holding it; `${args_append_hydra}` `+name=value`; `${args_override_hydra}` `++name=value`;
 * - `${env}` `/usr/bin/env`, `${interpreter}` `python`, `${program}` the spec's program.
 *
 * One difference: a JS number does not remember being written `3.0`, so a whole-number value
 * prints as `3` where W&B would print `3.0` (argparse's `type=float` reads both).
 */
export function buildCommand(
  spec: Pick<ProgramSweepSpec, 'program' | 'command'>,
  params: ProgramTrialParams,
  options: BuildCommandOptions,
): BuiltCommand {
  const names = Object.keys(params).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const flag = (name: string) => `${name}=${pythonStr(params[name]!)}`;
  const argsJson = pythonJsonDumps(Object.fromEntries(names.map((n) => [n, params[n]!])));
  const words: Record<CommandMacro, string[]> = {
    env: [ENV_COMMAND],
    interpreter: [options.interpreter ?? DEFAULT_INTERPRETER],
    program: [spec.program],
    args: names.map((n) => `--${flag(n)}`),
    args_no_equals: names.flatMap((n) => [`--${n}`, pythonStr(params[n]!)]),
    args_no_hyphens: names.map(flag),
    args_no_boolean_flags: names.flatMap((n) => {
      const v = params[n];
      if (typeof v === 'boolean') return v ? [`--${n}`] : [];
      return [`--${flag(n)}`];
    }),
    args_json: [argsJson],
    args_json_file: [options.argsJsonFile],
    args_append_hydra: names.map((n) => `+${flag(n)}`),
    args_override_hydra: names.map((n) => `++${flag(n)}`),
  };
  const argv: string[] = [];
  let usesJsonFile = false;
  for (const raw of spec.command ?? DEFAULT_COMMAND) {
    const item = raw.replace(ENVVAR, (_, name: string) => options.env[name] ?? name);
    if (item.startsWith('${') && item.endsWith('}')) {
      const macro = item.slice(2, -1);
      if ((COMMAND_MACROS as readonly string[]).includes(macro)) {
        argv.push(...words[macro as CommandMacro]);
        if (macro === 'args_json_file') usesJsonFile = true;
      }
      // An unknown macro is dropped, as W&B's agent does (parsing refuses one).
      continue;
    }
    argv.push(item);
  }
  return usesJsonFile
    ? { argv, argsJsonFile: { path: options.argsJsonFile, content: argsJson } }
    : { argv };
}

/** Python's `repr(float)`: the shortest digits, fixed between 1e-4 and 1e16, else `1e-05`. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without digits gives the shortest digits that read back as x.
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(exponent);
  const point = exp + 1; // digits are 0.d1d2… × 10^point
  if (point > -4 && point <= 16) {
    if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
    if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function pythonNumber(x: number): string {
  return Number.isSafeInteger(x) ? String(x) : pythonFloatRepr(x);
}

/** Python's `repr(str)`: single quotes unless the text holds one and no double quote. */
function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

function pythonRepr(v: SpecValue): string {
  if (typeof v === 'string') return pythonStrRepr(v);
  return pythonStr(v);
}

/** Python's `str(value)` of a value parsed from YAML (bool, None, int, float, str, list, dict). */
export function pythonStr(v: SpecValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pythonNumber(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pythonStrRepr(k)}: ${pythonRepr(x)}`)
    .join(', ')}}`;
}

/** Python's `json.dumps(value)`: `", "` and `": "` separators, non-ASCII as \uXXXX, floats as repr. */
export function pythonJsonDumps(v: SpecValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return pythonNumber(v);
  }
  if (typeof v === 'string')
    return JSON.stringify(v).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  if (Array.isArray(v)) return `[${v.map(pythonJsonDumps).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(x)}`)
    .join(', ')}}`;
}
