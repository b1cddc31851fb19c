import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, USAGE } from './program';

/** The built CLI, run as a user runs it. */
const CLI = resolve(__dirname, '..', 'dist', 'main.js');
// Nothing listens on port 1: a command that reached the network fails fast and says where it went.
const NOWHERE = 'http://127.0.0.1:1/graphql';

function headroom(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, HEADROOM_API_URL: NOWHERE },
  });
}

describe('headroom command line', () => {
  it('refuses an option the command does not take, naming the option and the command, with its usage (exit 2)', () => {
    for (const args of [
      ['sweep', 'create', '--gt', 'x'],
      ['sweep', 'create', 'sweep.yaml', '--gt', 'x'],
    ]) {
      const r = headroom(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("headroom sweep create: unknown option '--gt'");
      expect(r.stderr).toContain('usage: headroom sweep create [options] <FILE>');
      expect(r.stderr).toContain('--wait');
      expect(r.stdout).toBe('');
    }
    const demo = headroom('demo', '--json');
    expect(demo.status).toBe(2);
    expect(demo.stderr).toContain("headroom demo: unknown option '--json'");
    // Options are per subcommand too: coco's --dt is not pose3d's.
    const pose3d = headroom('eval', 'pose3d', '--gt', 'g.json', '--dt', 'd.json');
    expect(pose3d.status).toBe(2);
    expect(pose3d.stderr).toContain("headroom eval pose3d: unknown option '--dt'");
  });

  it('refuses an unknown command with the overview (exit 2)', () => {
    const r = headroom('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("headroom: unknown command 'frobnicate'");
    expect(r.stderr).toContain('usage: headroom <command>');
    const sub = headroom('sweep', 'frobnicate', 'x');
    expect(sub.status).toBe(2);
    expect(sub.stderr).toContain("headroom sweep: unknown command 'frobnicate'");
  });

  it('refuses a missing or an extra positional (exit 2)', () => {
    const missing = headroom('sweep', 'show');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("headroom sweep show: missing required argument 'ID'");
    expect(missing.stderr).toContain('usage: headroom sweep show [options] <ID>');
    const extra = headroom('sweep', 'show', 'a', 'b');
    expect(extra.status).toBe(2);
    expect(extra.stderr).toContain('too many arguments');
    const nothing = headroom();
    expect(nothing.status).toBe(2);
    expect(nothing.stderr).toContain('usage: headroom <command>');
  });

  it('prints help on stdout with exit 0: the overview, and each command its own options', () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = headroom(...args);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(USAGE);
    }
    const create = headroom('sweep', 'create', '--help');
    expect(create.status).toBe(0);
    expect(create.stdout).toContain('usage: headroom sweep create [options] <FILE>');
    expect(create.stdout).toMatch(/--wait\s+show progress/);
    expect(create.stdout).toMatch(/global options:\s+--api <URL>/);
    const retry = headroom('trials', 'retry-failed', '--help');
    expect(retry.status).toBe(0);
    expect(retry.stdout).toContain('--trial <ID>');
  });

  it('takes the global --api before or after the command and sends the request there', () => {
    for (const args of [
      ['sweep', 'show', 'abc', '--api', 'http://127.0.0.1:2/graphql'],
      ['--api', 'http://127.0.0.1:2/graphql', 'sweep', 'show', 'abc', '--json'],
      [
        'trials',
        'retry-failed',
        'abc',
        '--trial',
        'abc-0',
        '--trial',
        'abc-1',
        '--api',
        'http://127.0.0.1:2/graphql',
      ],
    ]) {
      const r = headroom(...args);
      // Not a usage error: the command ran, and failed to reach the API it was given (exit 1).
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain('cannot reach the Headroom API at http://127.0.0.1:2/graphql');
    }
    const fallback = headroom('workers');
    expect(fallback.status).toBe(1);
    expect(fallback.stderr).toContain(`cannot reach the Headroom API at ${NOWHERE}`);
  });

  it('lists in the overview every command and every option each one takes', () => {
    const lines = USAGE.split('\n').map((l) => l.trim().split(/\s+/));
    const leaves = (cmd: Command, path: string[]): Array<{ path: string[]; cmd: Command }> =>
      cmd.commands.length === 0
        ? [{ path, cmd }]
        : cmd.commands.flatMap((c) => leaves(c, [...path, c.name()]));
    const all = leaves(
      buildProgram(() => {}),
      [],
    );
    expect(all.length).toBeGreaterThanOrEqual(13);
    for (const { path, cmd } of all) {
      // `sweep pause|resume|cancel ID` stands for three commands.
      const mine = lines.filter(
        (words) =>
          path.slice(0, -1).every((p, i) => words[i] === p) &&
          (words[path.length - 1] ?? '').split('|').includes(path.at(-1)!),
      );
      expect(mine.length, `the overview has no line for ${path.join(' ')}`).toBeGreaterThan(0);
      const text = mine.map((words) => words.join(' ')).join('\n');
      for (const option of cmd.options) {
        expect(text, `the overview's ${path.join(' ')} lacks ${option.long}`).toMatch(
          new RegExp(`${option.long}\\b`),
        );
      }
    }
  });
});
