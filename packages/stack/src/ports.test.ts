import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, freePortOr } from './ports';

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject).listen(port, '127.0.0.1', () => resolve(server));
  });
const close = (server: Server) => new Promise((r) => server.close(r));

describe('freePort / freePortOr', () => {
  it('gives a port that can be bound', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    await close(await listen(port));
  });

  it('keeps the preferred port when free, and picks another when it is taken', async () => {
    const preferred = await freePort();
    expect(await freePortOr(preferred)).toBe(preferred);
    const taken = await listen(preferred);
    try {
      const other = await freePortOr(preferred);
      expect(other).not.toBe(preferred);
      expect(other).toBeGreaterThan(0);
    } finally {
      await close(taken);
    }
  });
});
