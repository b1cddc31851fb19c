import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadWeights, type tf } from '@headroom/models';
import type { ResumePoint } from '@headroom/sweep/temporal';

const EPOCH_DIR = /^epoch-(\d{4,})$/;

export function checkpointDir(trialDir: string, epoch: number): string {
  return join(trialDir, `epoch-${String(epoch).padStart(4, '0')}`);
}

/**
 * Loads the newest intact checkpoint of a trial into `model` and `optimizer`: the one the
 * caller knows of (heartbeat details or the database), else the newest on disk. A corrupt
 * or unreadable one is skipped with a warning and the next older one tried, so a crash
 * while writing costs one more epoch, never the trial. Undefined = start fresh.
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
  const candidates = [...(known ? [known] : []), ...onDisk]
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
