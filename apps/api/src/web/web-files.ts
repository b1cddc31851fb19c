import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';

/** What the page's build folder holds, by extension (Vite writes nothing else). */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export const WEB_NOT_BUILT =
  'The Headroom page is not built. Build it with `pnpm --filter @headroom/web build` ' +
  '(or `pnpm build`), then reload; the GraphQL API is at /graphql.\n';

/**
 * The page's build folder: the `dist` of the @headroom/web package (a dependency of this app, so
 * turbo builds it first), or null when the package cannot be found.
 */
export function findWebDist(): string | null {
  try {
    return join(dirname(require.resolve('@headroom/web/package.json')), 'dist');
  } catch {
    return null;
  }
}

/**
 * Serves the single-page app: a file of the build folder when the path names one (hashed
 * assets cached for a year), else index.html (the page's own router reads the path), so
 * `/sweeps/abc` survives a reload. Without a build, a plain message saying how to make one.
 */
export function createWebHandler(distDir: string | null) {
  const root = distDir === null ? null : normalize(distDir + sep);
  return (req: IncomingMessage, res: ServerResponse, url: string): void => {
    const index = root === null ? null : join(root, 'index.html');
    if (root === null || index === null || !existsSync(index)) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : WEB_NOT_BUILT);
      return;
    }
    const pathname = decodeURIComponentSafe(new URL(url, 'http://x').pathname);
    const candidate = pathname === null ? null : normalize(join(root, pathname));
    const isFile =
      candidate !== null &&
      candidate.startsWith(root) &&
      existsSync(candidate) &&
      statSync(candidate).isFile();
    const file = isFile ? candidate : index;
    const immutable = isFile && file.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  };
}

export const ARTIFACTS_PATH = '/artifacts';

/**
 * `/artifacts/<trial id>/<name>`: a file the trial listed in its `artifacts` (name as listed),
 * read from the path recorded with it, and only when that path (links followed) lies inside the
 * artifact store `root`: anything else is a 404, so no other file is reachable, even through a
 * path or a link a worker recorded.
 */
export async function serveArtifact(
  findTrial: (
    id: string,
  ) => Promise<{ artifacts: Array<{ name: string; path: string }> } | undefined>,
  pathname: string,
  res: ServerResponse,
  root: string,
): Promise<void> {
  const rest = pathname.slice(ARTIFACTS_PATH.length + 1);
  const slash = rest.indexOf('/');
  const trialId = decodeURIComponentSafe(rest.slice(0, slash));
  const name = decodeURIComponentSafe(rest.slice(slash + 1));
  const trial = slash > 0 && trialId && name ? await findTrial(trialId) : undefined;
  const artifact = trial?.artifacts.find((a) => a.name === name);
  if (!artifact || !insideStore(artifact.path, root)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`no artifact ${name ?? ''} of trial ${trialId ?? ''}\n`);
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(artifact.path)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
  });
  createReadStream(artifact.path).pipe(res);
}

/** Whether `path` exists and, with every link resolved, is a file under `root`. */
function insideStore(path: string, root: string): boolean {
  try {
    const real = realpathSync(path);
    return real.startsWith(realpathSync(root) + sep) && statSync(real).isFile();
  } catch {
    return false;
  }
}

function decodeURIComponentSafe(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}
