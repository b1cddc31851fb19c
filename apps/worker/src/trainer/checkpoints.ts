import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadWeights, type tf } from '@headroom/models';
import type { ResumePoint } from '@headroom/sweep/temporal';

const EPOCH_DIR = /^epoch-(\d{4,})$/;

export function checkpointDir(trialDir: string, epoch: number): string {
  return join(trialDir, `epoch-${String(epoch).padStart(4, '0')}`);
}

/**
 * Loads the trial's checkpoint to resume from into `model` and `optimizer`: the one the caller
 * knows was reported (heartbeat details or the database), or — when it is corrupt or unreadable,
 * with a warning — the next older one on disk, so a crash while writing costs one more epoch,
 * never the trial. A checkpoint on disk newer than the reported one is never used: an attempt cut
 * off from Temporal (a lost network, a killed worker) wrote it but could not report its epoch,
 * whose metrics would then be missing from the trial's history. Undefined = start fresh.
 */
export async function restoreNewestCheckpoint(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  trialDir: string,
  known: ResumePoint | undefined,
  warn: (message: string) => void,
): Promise<ResumePoint | undefined> {
  const onDisk = (await readdir(trialDir).catch(() => [] as string[]))
    .map((name) => EPOCH_DIR.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ epoch: Number(m[1]), path: join(trialDir, m[0]) }));
  const reported = known?.epoch ?? 0;
  const unreported = onDisk.filter((c) => c.epoch > reported).map((c) => c.epoch);
  if (unreported.length > 0)
    warn(
      `checkpoints of epochs ${unreported.sort((a, b) => a - b).join(', ')} were written but never reported (their attempt lost touch with Temporal); training on from ${known ? `epoch ${reported}` : 'the start'}`,
    );
  if (!known) return undefined;
  const candidates = [known, ...onDisk.filter((c) => c.epoch <= reported)]
    .sort((a, b) => b.epoch - a.epoch)
    .filter((c, i, all) => all.findIndex((o) => o.path === c.path) === i);
  for (const c of candidates) {
    try {
      await loadWeights(model, c.path, { optimizer });
      return c;
    } catch (err) {
      warn(
        `checkpoint of epoch ${c.epoch} at ${c.path} is unusable (${err instanceof Error ? err.message : String(err)}); trying an older one`,
      );
    }
  }
  return undefined;
}
