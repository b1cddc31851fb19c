import { describe, expect, it } from 'vitest';
import { isHeadroomError } from '@headroom/errors';
import { REFERENCE_ROWS, referenceRows, type ReferenceRow } from './references';
import { CHESTXRAY14_FINDINGS, TASK_IDS, TASKS, type TaskId } from './tasks';

const ALL: ReferenceRow[] = TASK_IDS.flatMap((t) => [...REFERENCE_ROWS[t]] as ReferenceRow[]);

/** A row by its label, failing the test when it is missing. */
function row(task: TaskId, label: string): Record<string, number | undefined> {
  const found = REFERENCE_ROWS[task].find((r) => r.label === label);
  if (!found) throw new Error(`no ${task} reference row labelled ${label}`);
  return found.metrics as Record<string, number | undefined>;
}

describe('reference rows', () => {
  it('key every number by a metric of its task, in range (mm for pose3d, fractions for the rest)', () => {
    expect(ALL.length).toBeGreaterThan(0);
    for (const r of ALL) {
      expect(REFERENCE_ROWS[r.task]).toContain(r);
      const entries = Object.entries(r.metrics);
      expect(entries.length, r.label).toBeGreaterThan(0);
      for (const [name, value] of entries) {
        expect(Object.keys(TASKS[r.task].metrics), `${r.label}: ${name}`).toContain(name);
        expect(Number.isFinite(value), `${r.label}: ${name}`).toBe(true);
        if (r.task === 'pose3d') expect(value).toBeGreaterThan(1);
        else {
          // A percentage left unconverted (75.8) would fail here.
          expect(value, `${r.label}: ${name}`).toBeGreaterThan(0.5);
          expect(value, `${r.label}: ${name}`).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('have unique ids and labels within a task, and consistent geometry where it is complete', () => {
    for (const task of TASK_IDS) {
      const rows = REFERENCE_ROWS[task];
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
      expect(new Set(rows.map((r) => r.label)).size).toBe(rows.length);
    }
    for (const { label, geometry: g } of ALL) {
      for (const v of [g.d_m, g.heads, g.d_h])
        if (v !== undefined) expect(Number.isSafeInteger(v) && v > 0, label).toBe(true);
      // Every row here with all three is a standard layer: d_h = d_m / heads.
      if (g.d_m !== undefined && g.heads !== undefined && g.d_h !== undefined)
        expect(g.d_h * g.heads, label).toBe(g.d_m);
    }
  });

  it('print the thesis tables as the slides do', () => {
    // Table 1 (COCO val2017).
    expect(row('pose2d', 'thesis Table 1 · Base')).toEqual({ ap: 0.726, ar: 0.78 });
    expect(row('pose2d', 'thesis Table 1 · Propio d_h 16')).toEqual({ ap: 0.737, ar: 0.766 });
    const tied = REFERENCE_ROWS.pose2d.find(
      (r) => r.label === 'thesis Table 1 · Propio Q = K d_h 64',
    );
    expect(tied?.geometry).toEqual({ d_m: 256, d_h: 64, qk_tied: true });
    expect(tied?.metrics).toEqual({ ap: 0.748, ar: 0.776 });
    expect(REFERENCE_ROWS.pose2d.filter((r) => r.id.startsWith('thesis-t1-'))).toHaveLength(5);
    // Table 2 (Human3.6M, mm).
    expect(row('pose3d', 'thesis Table 2 · Base')).toEqual({ mpjpe: 37.7, p_mpjpe: 27.6 });
    expect(row('pose3d', 'thesis Table 2 · Propio d_h 64')).toEqual({
      mpjpe: 45.15,
      p_mpjpe: 32.96,
    });
    expect(row('pose3d', 'thesis Table 2 · Propio d_h 128')).toEqual({
      mpjpe: 45.11,
      p_mpjpe: 32.84,
    });
    // Table 3 (AUC): the slide's row order differs from the task's; values land on their class.
    const original = row('chest', 'thesis Table 3 · Original');
    expect(original.mean_auc_14).toBe(0.834);
    expect(original.mean_auc).toBe(0.841);
    expect(original.auc_Pneumothorax).toBe(0.895);
    expect(original.auc_Pleural_Thickening).toBe(0.803);
    expect(original['auc_COVID-19']).toBe(0.999);
    const relabeled = row('chest', 'thesis Table 3 · Relabeled');
    expect([relabeled.auc_Hernia, relabeled.mean_auc_14, relabeled.mean_auc]).toEqual([
      0.961, 0.915, 0.916,
    ]);
    expect(row('chest', 'thesis Table 3 · DR-CNN').auc_Consolidation).toBe(0.787);
    expect(row('chest', 'thesis Table 3 · CheXNeXt').auc_Atelectasis).toBe(0.769);
  });

  it('give every compared Table 3 column its 14 findings, whose mean is its printed Average-14', () => {
    for (const column of ['CheXNeXt', 'CRAL', 'DR-CNN', 'TSNC']) {
      const m = row('chest', `thesis Table 3 · ${column}`);
      const aucs = CHESTXRAY14_FINDINGS.map((f) => m[`auc_${f}`]);
      expect(aucs.every((v) => v !== undefined)).toBe(true);
      expect(m['auc_COVID-19']).toBeUndefined();
      const mean = aucs.reduce((s: number, v) => s + v!, 0) / aucs.length;
      // Printed to 0.001: the mean of the printed values is within rounding of it.
      expect(Math.abs(mean - m.mean_auc_14!)).toBeLessThan(0.001);
      expect(m.mean_auc).toBe(m.mean_auc_14);
    }
  });

  it('carry the published numbers of REFERENCES.md, percentages as fractions', () => {
    expect(row('pose2d', 'TransPose-R-A4')).toEqual({ ap: 0.726, ar: 0.78 });
    expect(row('pose2d', 'TransPose-H-A6')).toEqual({ ap: 0.758, ar: 0.808 });
    expect(row('pose2d', 'ViTPose-H (256×192)')).toEqual({ ap: 0.791 });
    expect(row('pose3d', 'VideoPose3D · CPN, 243 frames')).toEqual({ mpjpe: 46.8, p_mpjpe: 36.5 });
    expect(row('pose3d', 'PoseFormer · CPN, 81 frames')).toEqual({ mpjpe: 44.3 });
    expect(row('chest', 'CheXNet (reimplementation)').mean_auc_14).toBe(0.847);
    const withUrl = ALL.filter((r) => r.source.url !== undefined);
    for (const r of withUrl)
      expect(r.source.url).toMatch(/^https:\/\/github\.com\/[\w-]+\/[\w-]+$/);
    expect(withUrl.map((r) => r.id)).toContain('videopose3d-gt');
  });
});

describe('referenceRows', () => {
  it('returns the rows that print the metric, and all rows of the task without one', () => {
    expect(referenceRows('pose3d')).toBe(REFERENCE_ROWS.pose3d);
    const pMpjpe = referenceRows('pose3d', 'p_mpjpe');
    expect(pMpjpe.map((r) => r.id)).not.toContain('poseformer-cpn-81');
    expect(pMpjpe.every((r) => r.metrics.p_mpjpe !== undefined)).toBe(true);
    expect(referenceRows('pose3d', 'mpjpe')).toHaveLength(REFERENCE_ROWS.pose3d.length);
    // AR is printed by TransPose and the thesis, not by ViTPose's README.
    expect(referenceRows('pose2d', 'ar').map((r) => r.id)).not.toContain('vitpose-b');
    expect(referenceRows('pose2d', 'ap50')).toEqual([]);
    expect(referenceRows('chest', 'auc_COVID-19').map((r) => r.id)).toEqual([
      'thesis-t3-original',
      'thesis-t3-relabeled',
    ]);
  });

  it('refuses a metric or task that does not exist, naming the valid ones', () => {
    const fail = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err;
      }
      throw new Error('expected a throw');
    };
    const err = fail(() => referenceRows('pose3d', 'MPJPE'));
    expect(isHeadroomError(err) && err.code).toBe('INVALID_INPUT');
    expect((err as Error).message).toContain('valid: mpjpe, p_mpjpe');
    expect((fail(() => referenceRows('pose4d' as TaskId)) as Error).message).toContain(
      'valid: pose3d, pose2d, chest',
    );
  });
});
