import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { graphql } from '../graphql-client';
import { CREATE_SWEEP } from '../queries';
import { LiveBlock, renderLeaderboard, renderProgress } from '../render';
import { pageLink, startLocalStack } from '../stack/local-stack';
import { fetchSweepLeaderboard, watchSweep } from '../sweep-watch';

/** The demo's sweep file, shipped with the repo. */
export const DEMO_SWEEP_FILE = resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'examples',
  'sweeps',
  'demo-pose3d.yaml',
);

/**
 * `headroom demo`: the whole path with nothing configured — embedded stack, a 4-trial
 * sweep launched over GraphQL, live progress, the leaderboard — then stops what it started.
 */
export async function runDemo(opts: { verbose?: boolean } = {}): Promise<number> {
  const t0 = Date.now();
  const say = (line: string) =>
    console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'headroom-demo-'));
  say(`starting the local stack in ${dataDir}`);
  const stack = await startLocalStack({
    dataDir,
    trainWorkers: 1,
    slotsPerWorker: 2,
    log: say,
    echo: opts.verbose ? (l) => console.log(l) : undefined,
  });
  const stopOnSignal = () => void stack.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const yaml = readFileSync(DEMO_SWEEP_FILE, 'utf8');
    const { createSweep } = await graphql(stack.api, CREATE_SWEEP, { input: { yaml } });
    say(
      `launched sweep ${createSweep.name} (${createSweep.id}) with ${createSweep.trialCount} trials via ${stack.api.url}`,
    );
    say(`watch it in the browser: ${pageLink(stack.api, `sweeps/${createSweep.id}`)}`);
    const live = new LiveBlock();
    const sweep = await watchSweep(stack.api, createSweep.id, (s) =>
      live.update(renderProgress(s)),
    );
    say(`sweep ${sweep.status}`);

    // The demo's sweep is a built-in task's (only a program sweep has no task).
    const task = sweep.task ?? 'pose3d';
    const rows = await fetchSweepLeaderboard(stack.api, {
      task,
      metric: sweep.metric,
      sweepId: sweep.id,
    });
    console.log(
      `\nLeaderboard — ${task}, ${sweep.metric} (${sweep.goal}), synthetic Human3.6M test subjects S9, S11\n`,
    );
    for (const line of renderLeaderboard(rows, task)) console.log(line);
    console.log('\nMPJPE (mm) by epoch — it falls as the models learn:');
    for (const t of sweep.trials) {
      const curve = t.history.map((h) => Number(h.metrics.mpjpe ?? NaN).toFixed(1)).join(' → ');
      console.log(
        `  #${t.index} d_h ${String(t.d_h).padEnd(3)} qk_tied ${String(t.qk_tied).padEnd(5)}  ${curve}`,
      );
    }
    return sweep.status === 'succeeded' ? 0 : 1;
  } finally {
    say('stopping the local stack');
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
    say('done');
  }
}
