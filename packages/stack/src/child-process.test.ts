import { describe, expect, it } from 'vitest';
import { startProcess } from './child-process';

const node = process.execPath;

describe('startProcess', () => {
  it('resolves with the readiness line, and stop() ends the child', async () => {
    const { proc, match } = await startProcess({
      name: 'ready-child',
      command: node,
      args: [
        '-e',
        'console.log("booting"); console.log("ready on 1234"); setInterval(() => {}, 1000)',
      ],
      ready: /ready on (\d+)/,
    });
    expect(match[1]).toBe('1234');
    expect(proc.tail).toContain('booting');
    await proc.stop();
    expect(proc.child.exitCode !== null || proc.child.signalCode !== null).toBe(true);
  });

  it('fails with the last output when the child exits before it is ready', async () => {
    await expect(
      startProcess({
        name: 'dying-child',
        command: node,
        args: ['-e', 'console.error("no config"); process.exit(3)'],
        ready: /ready/,
      }),
    ).rejects.toThrow(/dying-child exited \(code 3\) before it was ready; last output:\nno config/);
  });

  it('removes a variable given as undefined from the child environment', async () => {
    process.env.HEADROOM_STACK_TEST_SECRET = 'x';
    try {
      const { proc, match } = await startProcess({
        name: 'env-child',
        command: node,
        args: ['-e', 'console.log("secret=" + (process.env.HEADROOM_STACK_TEST_SECRET ?? "none"))'],
        env: { HEADROOM_STACK_TEST_SECRET: undefined },
        ready: /secret=(\w+)/,
      });
      expect(match[1]).toBe('none');
      await proc.stop();
    } finally {
      delete process.env.HEADROOM_STACK_TEST_SECRET;
    }
  });
});
