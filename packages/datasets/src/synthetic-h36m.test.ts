import { describe, expect, it } from 'vitest';
import { isHeadroomError } from '@headroom/errors';
import { projectToScreen, worldToCamera } from './h36m-cameras.js';
import { H36M_BONE_LENGTHS, H36M_JOINTS, H36M_PARENTS } from './h36m-skeleton.js';
import {
  generateSyntheticH36M,
  H36M_ACTIONS,
  H36M_TEST_SUBJECTS,
  H36M_TRAIN_SUBJECTS,
  SYNTHETIC_CAPTURE_RADIUS,
  type H36MAction,
  type H36MDataset,
} from './synthetic-h36m.js';

const ACTIONS = ['Walking', 'Sitting', 'Directions'];
const small = generateSyntheticH36M({ seed: 7, framesPerAction: 60, actions: ACTIONS });

/** Byte equality: far faster than a deep toEqual on large typed arrays. */
function sameBytes(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

function actionsOf(ds: H36MDataset): Array<[string, string, H36MAction]> {
  return Object.entries(ds.subjects).flatMap(([s, subj]) =>
    Object.entries(subj.actions).map(([a, act]) => [s, a, act] as [string, string, H36MAction]),
  );
}

describe('generateSyntheticH36M', () => {
  it('has VideoPose3D layout: subjects → actions → positions3d, 4 cameras, 4 × positions2d', () => {
    expect(Object.keys(small.subjects)).toEqual([...H36M_TRAIN_SUBJECTS, ...H36M_TEST_SUBJECTS]);
    expect(small.fps).toBe(50);
    for (const [, , act] of actionsOf(small)) {
      expect(act.frames).toBe(60);
      expect(act.positions3d).toBeInstanceOf(Float32Array);
      expect(act.positions3d.length).toBe(60 * 17 * 3);
      expect(act.cameras).toHaveLength(4);
      expect(act.positions2d).toHaveLength(4);
      for (const p of act.positions2d) expect(p.length).toBe(60 * 17 * 2);
    }
    expect(Object.keys(small.subjects.S1!.actions)).toEqual(ACTIONS);
  });

  it('defaults to the 15 Human3.6M actions and 7 subjects', () => {
    const ds = generateSyntheticH36M({ seed: 1, framesPerAction: 2 });
    expect(Object.keys(ds.subjects)).toHaveLength(7);
    expect(Object.keys(ds.subjects.S11!.actions)).toEqual(H36M_ACTIONS);
  });

  it('is deterministic: same seed → identical arrays, other seed → different', () => {
    const again = generateSyntheticH36M({ seed: 7, framesPerAction: 60, actions: ACTIONS });
    const other = generateSyntheticH36M({ seed: 8, framesPerAction: 60, actions: ACTIONS });
    for (const [s, a, act] of actionsOf(small)) {
      const twin = again.subjects[s]!.actions[a]!;
      expect(sameBytes(twin.positions3d, act.positions3d)).toBe(true);
      twin.positions2d.forEach((p, c) => expect(sameBytes(p, act.positions2d[c]!)).toBe(true));
      expect(sameBytes(other.subjects[s]!.actions[a]!.positions3d, act.positions3d)).toBe(false);
      expect(sameBytes(other.subjects[s]!.actions[a]!.positions2d[0]!, act.positions2d[0]!)).toBe(
        false,
      );
    }
  });

  it('gives the same data for a subject or action whether or not others are generated', () => {
    const only = generateSyntheticH36M({
      seed: 7,
      framesPerAction: 60,
      actions: ['Sitting'],
      subjects: ['S9'],
    });
    expect(
      sameBytes(
        only.subjects.S9!.actions.Sitting!.positions3d,
        small.subjects.S9!.actions.Sitting!.positions3d,
      ),
    ).toBe(true);
  });

  it('keeps every bone at its subject length in every frame (to float32 precision)', () => {
    for (const [s, , act] of actionsOf(small)) {
      const lengths = small.subjects[s]!.boneLengths;
      for (let j = 1; j < H36M_JOINTS; j++) {
        // Subjects differ in size, but only by a few percent.
        expect((lengths[j] as number) / (H36M_BONE_LENGTHS[j] as number)).toBeGreaterThan(0.88);
        expect((lengths[j] as number) / (H36M_BONE_LENGTHS[j] as number)).toBeLessThan(1.12);
      }
      const p = act.positions3d;
      for (let f = 0; f < act.frames; f++) {
        for (let j = 1; j < H36M_JOINTS; j++) {
          const a = (f * 17 + j) * 3;
          const b = (f * 17 + (H36M_PARENTS[j] as number)) * 3;
          const len = Math.hypot(
            (p[a] as number) - (p[b] as number),
            (p[a + 1] as number) - (p[b + 1] as number),
            (p[a + 2] as number) - (p[b + 2] as number),
          );
          expect(Math.abs(len - (lengths[j] as number))).toBeLessThan(2e-6);
        }
      }
    }
  });

  it('bends knees one way only: the shin folds backwards relative to the pelvis', () => {
    for (const [, , act] of actionsOf(small)) {
      const p = act.positions3d;
      const v = (f: number, j: number) => [0, 1, 2].map((c) => p[(f * 17 + j) * 3 + c] as number);
      let bent = 0;
      for (let f = 0; f < act.frames; f++) {
        const left = v(f, 4).map((x, c) => x - (v(f, 1)[c] as number)); // RHip → LHip
        for (const [hip, knee, foot] of [
          [1, 2, 3],
          [4, 5, 6],
        ] as const) {
          const thigh = v(f, knee).map((x, c) => x - (v(f, hip)[c] as number));
          const shin = v(f, foot).map((x, c) => x - (v(f, knee)[c] as number));
          const [t0, t1, t2] = thigh as [number, number, number];
          const [s0, s1, s2] = shin as [number, number, number];
          const axis = [t1 * s2 - t2 * s1, t2 * s0 - t0 * s2, t0 * s1 - t1 * s0];
          const d = axis.reduce((sum, x, c) => sum + x * (left[c] as number), 0);
          expect(d).toBeGreaterThan(-1e-6);
          if (d > 1e-3) bent++;
        }
      }
      expect(bent).toBeGreaterThan(0);
    }
  });

  it('keeps the root in the capture area at a plausible height, moving smoothly', () => {
    for (const [, a, act] of actionsOf(small)) {
      const p = act.positions3d;
      let maxStep = 0;
      for (let f = 0; f < act.frames; f++) {
        const o = f * 51;
        expect(Math.hypot(p[o] as number, p[o + 1] as number)).toBeLessThanOrEqual(
          SYNTHETIC_CAPTURE_RADIUS + 1e-6,
        );
        expect(p[o + 2]).toBeGreaterThan(a === 'Sitting' ? 0.3 : 0.6);
        expect(p[o + 2]).toBeLessThan(1.1);
        if (f > 0) {
          maxStep = Math.max(
            maxStep,
            Math.hypot(
              (p[o] as number) - (p[o - 51] as number),
              (p[o + 1] as number) - (p[o - 50] as number),
            ),
          );
        }
      }
      // At 50 fps even walking moves the root only a few centimetres per frame.
      expect(maxStep).toBeLessThan(0.05);
    }
  });

  it('projects the root inside the image in every frame and camera', () => {
    for (const [, , act] of actionsOf(small)) {
      act.cameras.forEach((camera, c) => {
        const px = act.positions2d[c]!;
        for (let f = 0; f < act.frames; f++) {
          const x = px[f * 34] as number;
          const y = px[f * 34 + 1] as number;
          expect(x).toBeGreaterThan(0);
          expect(x).toBeLessThan(camera.resW);
          expect(y).toBeGreaterThan(0);
          expect(y).toBeLessThan(camera.resH);
        }
      });
    }
  });

  it('stores positions2d as the projection of positions3d', () => {
    const act = small.subjects.S5!.actions.Walking!;
    const camera = act.cameras[3]!;
    const frame = act.positions3d.subarray(10 * 51, 11 * 51);
    const px = projectToScreen(worldToCamera(frame, camera), camera);
    for (let i = 0; i < 34; i++)
      expect(act.positions2d[3]![10 * 34 + i]).toBeCloseTo(px[i] as number, 3);
  });

  it('rejects bad options with a message saying what is valid', () => {
    const cases: Array<[Parameters<typeof generateSyntheticH36M>[0], RegExp]> = [
      [{ seed: 1.5 }, /seed must be an integer, got 1.5/],
      [{ seed: 1, framesPerAction: 0 }, /framesPerAction must be a positive integer, got 0/],
      [
        { seed: 1, subjects: ['S2'] },
        /unknown subject "S2"; expected one of S1, S5, S6, S7, S8, S9, S11/,
      ],
      [{ seed: 1, actions: [] }, /actions is empty/],
      [{ seed: 1, actions: ['Walking', 'Walking'] }, /actions has duplicates/],
    ];
    for (const [opts, message] of cases) {
      let caught: unknown;
      try {
        generateSyntheticH36M(opts);
      } catch (err) {
        caught = err;
      }
      expect(isHeadroomError(caught) && caught.code).toBe('INVALID_INPUT');
      expect((caught as Error).message).toMatch(message);
    }
  });
});
