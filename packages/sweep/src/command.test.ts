import { describe, expect, it } from 'vitest';
import { buildCommand, pythonFloatRepr, pythonJsonDumps, pythonStr } from './command';
import { parseSweepSpec } from './spec';
import { violationsOf } from '../test/violations';

const OPTIONS = { env: {}, argsJsonFile: '/ckpt/trial-7/args.json' };

describe('buildCommand', () => {
  // wandb's tests/system_tests/test_sweep/test_wandb_agent.py test_agent_create_command_args.
  const agentArgs = { a: true, b: false, c: 1, d: null };
  const each = (macro: string) =>
    buildCommand({ program: 'train.py', command: [`\${${macro}}`] }, agentArgs, OPTIONS).argv;

  it("expands each args macro as W&B's agent does", () => {
    expect(each('args')).toEqual(['--a=True', '--b=False', '--c=1', '--d=None']);
    expect(each('args_no_hyphens')).toEqual(['a=True', 'b=False', 'c=1', 'd=None']);
    expect(each('args_no_boolean_flags')).toEqual(['--a', '--c=1', '--d=None']);
    expect(each('args_json')).toEqual(['{"a": true, "b": false, "c": 1, "d": null}']);
    expect(each('args_append_hydra')).toEqual(['+a=True', '+b=False', '+c=1', '+d=None']);
    expect(each('args_override_hydra')).toEqual(['++a=True', '++b=False', '++c=1', '++d=None']);
    expect(each('args_no_equals')).toEqual([
      '--a',
      'True',
      '--b',
      'False',
      '--c',
      '1',
      '--d',
      'None',
    ]);
  });

  it("uses W&B's default command, ${env} ${interpreter} ${program} ${args}, names sorted", () => {
    const built = buildCommand({ program: 'train.py' }, { lr: 0.001, batch_size: 32 }, OPTIONS);
    expect(built).toEqual({
      argv: ['/usr/bin/env', 'python', 'train.py', '--batch_size=32', '--lr=0.001'],
    });
  });

  it('writes nested parameters as Python writes a dict, and floats as Python repr', () => {
    const params = {
      optimizer: { lr: 1e-5, nadam: { beta: 0.9 }, name: "it's" },
      tags: ['a', 2, 3.5],
      big: 1e16,
    };
    const built = buildCommand({ program: 'p.py', command: ['${args}'] }, params, OPTIONS);
    expect(built.argv).toEqual([
      // Past 2⁵³ a JS number is a float, as 1e16 is in Python.
      '--big=1e+16',
      "--optimizer={'lr': 1e-05, 'nadam': {'beta': 0.9}, 'name': \"it's\"}",
      "--tags=['a', 2, 3.5]",
    ]);
  });

  it('replaces ${envvar:NAME} anywhere in an item, leaving NAME when it is unset (W&B)', () => {
    const built = buildCommand(
      {
        program: 'train.py',
        command: [
          '${env}',
          '${interpreter}',
          '--output_dir',
          'fake/${envvar:FOO_DIR}/${envvar:MISSING}',
        ],
      },
      {},
      { ...OPTIONS, env: { FOO_DIR: 'foo_dir' } },
    );
    expect(built.argv).toEqual(['/usr/bin/env', 'python', '--output_dir', 'fake/foo_dir/MISSING']);
  });

  it('points ${args_json_file} at the file and says what to write there', () => {
    const built = buildCommand(
      { program: 'fit.py', command: ['${program}', '--config', '${args_json_file}'] },
      { alpha: 0.5, use_bias: true },
      OPTIONS,
    );
    expect(built).toEqual({
      argv: ['fit.py', '--config', '/ckpt/trial-7/args.json'],
      argsJsonFile: {
        path: '/ckpt/trial-7/args.json',
        content: '{"alpha": 0.5, "use_bias": true}',
      },
    });
  });

  it('keeps words that only contain a macro, as W&B does, and takes the interpreter given', () => {
    const built = buildCommand(
      { program: 'x.py', command: ['${interpreter}', 'pre-${args}', '${program}'] },
      { a: 1 },
      { ...OPTIONS, interpreter: 'python3.11' },
    );
    expect(built.argv).toEqual(['python3.11', 'pre-${args}', 'x.py']);
  });
});

describe("Python's formatting of values", () => {
  it('writes floats as repr does', () => {
    expect(pythonFloatRepr(0.0001)).toBe('0.0001');
    expect(pythonFloatRepr(0.00001)).toBe('1e-05');
    expect(pythonFloatRepr(1.5e-7)).toBe('1.5e-07');
    expect(pythonFloatRepr(1e16)).toBe('1e+16');
    expect(pythonFloatRepr(1234567890123456)).toBe('1234567890123456.0');
    expect(pythonFloatRepr(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(pythonFloatRepr(-2.5)).toBe('-2.5');
    expect(pythonFloatRepr(Number.NaN)).toBe('nan');
  });

  it('writes str() and json.dumps of mixed values', () => {
    expect(pythonStr({ a: [true, null], b: 'x' })).toBe("{'a': [True, None], 'b': 'x'}");
    expect(pythonJsonDumps({ a: [true, null], b: 'é' })).toBe(
      '{"a": [true, null], "b": "\\u00e9"}',
    );
    expect(pythonJsonDumps(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});

describe('command in a sweep file', () => {
  const base = { program: 'train.py', method: 'random', parameters: { lr: { value: 1 } } };

  it('keeps command as words (numbers as Python writes them) and refuses an unknown macro', () => {
    const spec = parseSweepSpec({
      ...base,
      command: ['${env}', 'python', '-u', 3, true, '${program}'],
    });
    expect('program' in spec && spec.command).toEqual([
      '${env}',
      'python',
      '-u',
      '3',
      'True',
      '${program}',
    ]);
    const v = violationsOf(() => parseSweepSpec({ ...base, command: ['${program}', '${argz}'] }));
    expect(v).toHaveLength(1);
    expect(v[0]!.path).toBe('command[1]');
    expect(v[0]!.message).toMatch(/^unknown macro \$\{argz\}; use \$\{env\}, /);
    expect(
      violationsOf(() => parseSweepSpec({ ...base, command: 'python train.py' }))[0]!.path,
    ).toBe('command');
  });
});
