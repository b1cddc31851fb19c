import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  checkDockerfile,
  effective,
  parseDockerfile,
  readDockerfile,
  stageChain,
  type DockerfileCheck,
} from './dockerfile';
import { readRepoFile, workspacePackages } from './repo';

const dockerfile = readDockerfile();
const { stages } = parseDockerfile(dockerfile);
const check = (text: string): string[] =>
  checkDockerfile({
    text,
    dockerignoreText: readRepoFile('.dockerignore'),
    packages: workspacePackages(),
    runtimeRoots: ['@headroom/api', '@headroom/worker'],
    appDir: '/app',
  } satisfies DockerfileCheck);

describe('infra/docker/Dockerfile', () => {
  it('references only paths, scripts, packages and entry points that exist', () => {
    expect(check(dockerfile)).toEqual([]);
  });

  it('reports what a broken copy references', () => {
    const broken = dockerfile
      .replace('COPY pnpm-lock.yaml .npmrc ./', 'COPY pnpm-lock.yaml .npmrc pnpm-lock.yml ./')
      .replace('node scripts/setup-tfjs-node.mjs', 'node scripts/setup-tfjs.mjs')
      .replace('--filter=@headroom/worker', '--filter=@headroom/workers')
      .replace('"apps/api/dist/main.js"', '"apps/api/dist/server.js"')
      .replace('COPY --from=build /app/packages/metrics/dist packages/metrics/dist\n', '')
      .replace('/app/infra/docker/cuda-env.sh', '/app/infra/docker/cuda.sh');
    expect(broken).not.toBe(dockerfile);
    const problems = check(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/COPY source pnpm-lock\.yml does not exist/),
        expect.stringMatching(/script scripts\/setup-tfjs\.mjs does not exist/),
        expect.stringMatching(/--filter @headroom\/workers: no such workspace package/),
        expect.stringMatching(
          /apps\/api\/dist\/server\.js would be built from apps\/api\/src\/server\.ts/,
        ),
        expect.stringMatching(/@headroom\/metrics's dist is never copied/),
        expect.stringMatching(/script infra\/docker\/cuda\.sh does not exist/),
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('reports a path the build context leaves out and a floating base image', () => {
    const problems = checkDockerfile({
      text: dockerfile.replace(
        'ARG NODE_IMAGE=node:20.20.2-bookworm-slim',
        'ARG NODE_IMAGE=node:20-bookworm-slim',
      ),
      dockerignoreText: `${readRepoFile('.dockerignore')}\nscripts\n`,
      packages: workspacePackages(),
      runtimeRoots: ['@headroom/api', '@headroom/worker'],
      appDir: '/app',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/scripts\/setup-tfjs-node\.mjs is excluded by \.dockerignore/),
        expect.stringMatching(/FROM node:20-bookworm-slim: pin an exact version/),
      ]),
    );
  });

  it('has the three targets, each running as a non-root user', () => {
    for (const target of ['api', 'train-cpu', 'train-gpu']) {
      expect(stageChain(stages, target).length, target).toBeGreaterThan(0);
      const user = effective(stages, target, 'USER');
      expect(user, `${target} USER`).toBeDefined();
      expect(user!.split(':')[0], target).not.toMatch(/^(root|0)$/);
    }
  });

  it('fetches with pnpm from the lockfile alone, then installs offline with the pinned pnpm', () => {
    const fetchStage = stages.find((s) => s.name === 'fetch')!;
    const copies = fetchStage.instructions.filter((i) => i.keyword === 'COPY');
    expect(copies.map((c) => c.args)).toEqual(['pnpm-lock.yaml .npmrc ./']);
    expect(fetchStage.instructions.some((i) => /^pnpm fetch\b/.test(i.args))).toBe(true);
    // Offline from the fetched store, except the GPU stage's, which adds one package first.
    const installs = stages
      .filter((s) => s.name !== 'train-gpu-tree')
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'RUN' && /pnpm install/.test(i.args));
    expect(installs.length).toBeGreaterThan(1);
    for (const i of installs)
      expect(i.args, `line ${i.line}`).toMatch(/--offline --frozen-lockfile/);
    const gpu = stages.find((s) => s.name === 'train-gpu-tree')!;
    expect(gpu.instructions.map((i) => i.args).join('\n')).toMatch(
      /add \S+ --lockfile-only .*pnpm install --prefer-offline --frozen-lockfile --prod/,
    );
    const { packageManager } = JSON.parse(readRepoFile('package.json')) as {
      packageManager: string;
    };
    expect(dockerfile).toContain(`corepack prepare ${packageManager} --activate`);
  });

  it('builds the GPU binding with setup-tfjs-node.mjs in its GPU mode, as docs/gpu.md says', () => {
    const gpu = stages.find((s) => s.name === 'train-gpu-tree')!;
    const runs = gpu.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    // tfjs-node-gpu at the version the catalog pins tfjs-node to (one TF.js everywhere).
    const catalog = (
      parse(readRepoFile('pnpm-workspace.yaml')) as { catalog: Record<string, string> }
    ).catalog;
    const add = runs.find((r) => r.includes('add @tensorflow/tfjs-node-gpu@'));
    expect(add).toContain(`@tensorflow/tfjs-node-gpu@${catalog['@tensorflow/tfjs-node']}`);
    expect(readRepoFile('docs/gpu.md')).toContain(
      `pnpm --filter @headroom/models add @tensorflow/tfjs-node-gpu@${catalog['@tensorflow/tfjs-node']}`,
    );
    expect(
      runs.some((r) => /HEADROOM_TF_WHEEL=tensorflow node scripts\/setup-tfjs-node\.mjs/.test(r)),
    ).toBe(true);
    // The entry point reads the LD_LIBRARY_PATH list where the script writes it.
    const script = readRepoFile('scripts/setup-tfjs-node.mjs');
    expect(script).toMatch(/join\(root, '\.cache', 'tensorflow-cuda'\)/);
    expect(script).toMatch(/join\(cudaDir, 'ld-library-path'\)/);
    expect(readRepoFile('infra/docker/cuda-env.sh')).toContain(
      '/app/.cache/tensorflow-cuda/ld-library-path',
    );
    expect(effective(stages, 'train-gpu', 'ENTRYPOINT')).toContain('/app/infra/docker/cuda-env.sh');
  });

  it('gives each target the command the process contract names', () => {
    expect(effective(stages, 'api', 'CMD')).toBe('["node", "apps/api/dist/main.js"]');
    for (const target of ['train-cpu', 'train-gpu'])
      expect(JSON.parse(effective(stages, target, 'CMD')!)).toEqual(
        expect.arrayContaining(['node', 'apps/worker/dist/main.js', 'train', '--slots', '1']),
      );
    const backend = (target: string) => effective(stages, target, 'ENV');
    expect(backend('train-cpu')).toContain('HEADROOM_BACKEND=tensorflow');
    expect(backend('train-gpu')).toContain('HEADROOM_BACKEND=tensorflow-gpu');
  });
});
