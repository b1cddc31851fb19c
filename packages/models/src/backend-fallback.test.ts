import Module from 'node:module';
import { isHeadroomError } from '@headroom/errors';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend';

// A machine where `pnpm setup:native` has not run: neither native package resolves.
// (Vitest runs each test file in its own process, so this stays here.)
const loader = Module as unknown as {
  _resolveFilename: (request: string, ...rest: unknown[]) => string;
};
const resolve = loader._resolveFilename;
loader._resolveFilename = function (request: string, ...rest: unknown[]) {
  if (request === '@tensorflow/tfjs-node' || request === '@tensorflow/tfjs-node-gpu') {
    throw new Error(`Cannot find module '${request}' (test: no native binding)`);
  }
  return resolve.call(this, request, ...rest);
};

describe('selectBackend without the native binding', () => {
  it('tensorflow, asked for, fails with a CONFIG error saying to run pnpm setup:native', async () => {
    try {
      await selectBackend('tensorflow');
      expect.unreachable();
    } catch (err) {
      expect(isHeadroomError(err) && err.code).toBe('CONFIG');
      expect((err as Error).message).toMatch(
        /TF.js backend tensorflow cannot start: Cannot find module '@tensorflow\/tfjs-node'.*build its native binding with `pnpm setup:native`/,
      );
    }
  });

  it('the default falls back to wasm and says why it passed over the native ones', async () => {
    const info = await selectBackend();
    expect(info.backend).toBe('wasm');
    expect(info.skipped).toEqual([
      {
        backend: 'tensorflow-gpu',
        reason: expect.stringContaining("Cannot find module '@tensorflow/tfjs-node-gpu'"),
      },
      {
        backend: 'tensorflow',
        reason: expect.stringContaining("Cannot find module '@tensorflow/tfjs-node'"),
      },
    ]);
  });
});
