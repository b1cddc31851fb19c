import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type ReplayResult,
} from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

/**
 * Determinism: histories recorded from real runs (sweep.workflow.test.ts with
 * HEADROOM_RECORD_HISTORIES=1) replayed against the workflow code as it is now. A change that
 * would break a running sweep or trial on deploy (a command added, removed or reordered) fails
 * here; re-record only for a deliberate, versioned change (`patched`).
 */
const HISTORIES = join(__dirname, 'histories');
const files = readdirSync(HISTORIES)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('recorded workflow histories', () => {
  it('cover the sweep and trial workflows: pause/resume, retry, ASHA pruning, continue-as-new, cancel with reports queued, a lost worker, a program trial, bayes (TPE), updateSweep, metric.target, a re-run of an added grid point; trials with remote and local control activities; trial ends seen as completions, and trials handed over at continue-as-new; sweeps that run their trials themselves', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'sweep-asha.json',
        'sweep-continued-as-new.json',
        'sweep-pause-resume.json',
        'sweep-retry-only.json',
        'trial-cancelled-reports-queued.json',
        'trial-pause-resume.json',
        'trial-pruned.json',
        'trial-rerun.json',
        'worker-lost.json',
        'program-trial.json',
        'trial-stale-report.json',
        'sweep-bayes.json',
        'sweep-update.json',
        'sweep-metric-target.json',
        'sweep-rerun-added-point.json',
        // Trials from before their control writes became local activities (TrialWorkflowInput.localControl).
        'program-trial-remote-control.json',
        'trial-cancelled-reports-queued-remote-control.json',
        'trial-pause-resume-remote-control.json',
        'trial-pruned-remote-control.json',
        'trial-rerun-remote-control.json',
        'trial-stale-report-remote-control.json',
        // Sweeps since they see a trial's end as its completion, and hand trials over at continue-as-new.
        'sweep-ends-by-completion-continued.json',
        'trial-handed-over.json',
        'sweep-asha-ends-by-completion.json',
        'sweep-pause-resume-ends-by-completion.json',
        'trial-pause-resume-ends-by-completion.json',
        // Sweeps since they run their trials themselves (no trial workflows).
        'sweep-asha-runs-trials.json',
        'sweep-bayes-runs-trials.json',
        'sweep-cancelled-reports-queued-runs-trials.json',
        'sweep-continued-as-new-runs-trials.json',
        'sweep-handed-over-runs-trials.json',
        'sweep-local-activities-in-turn.json',
        'sweep-metric-target-runs-trials.json',
        'sweep-pause-resume-runs-trials.json',
        'sweep-rerun-added-point-runs-trials.json',
        'sweep-retry-only-runs-trials.json',
        'sweep-update-runs-trials.json',
      ]),
    );
  });

  it('replay with the current workflow code without a nondeterminism error', async () => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: join(__dirname, 'index.ts'),
      logger: new DefaultLogger('ERROR'),
    });
    const histories = files.map((f) => ({
      workflowId: f.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(join(HISTORIES, f), 'utf8'))),
    }));
    const results: ReplayResult[] = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle }, histories)) results.push(r);
    expect(results.map((r) => r.workflowId)).toEqual(histories.map((h) => h.workflowId));
    expect(
      results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`),
    ).toEqual([]);
  }, 120_000);
});
