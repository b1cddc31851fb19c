import type { MetricMeter, MetricTags } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { trainMetrics, WORKER_METRICS } from './metrics';

/** A meter that keeps what is recorded: `name{tags}` → values. */
function recordingMeter(tags: MetricTags = {}): {
  meter: MetricMeter;
  seen: Map<string, number[]>;
} {
  const seen = new Map<string, number[]>();
  const make = (t: MetricTags): MetricMeter => {
    const metric = (name: string) => {
      const put = (v: number) => {
        const key = `${name}${JSON.stringify(t)}`;
        seen.set(key, [...(seen.get(key) ?? []), v]);
      };
      return { add: put, record: put, set: put } as never;
    };
    return {
      createCounter: metric,
      createHistogram: metric,
      createGauge: metric,
      withTags: (more) => make({ ...t, ...more }),
    };
  };
  return { meter: make(tags), seen };
}

describe('trainMetrics', () => {
  it("records samples and epochs with the trial's task, and GPU memory only on a GPU", () => {
    for (const backend of ['tensorflow', 'tensorflow-gpu']) {
      const { meter, seen } = recordingMeter();
      const m = trainMetrics(meter, 'chest', { backend });
      m.samples(32);
      m.samples(16);
      m.epoch(2.5);
      m.memory(() => 1024);
      const tags = JSON.stringify({ task: 'chest' });
      expect(seen.get(`${WORKER_METRICS.samplesTrained.name}${tags}`)).toEqual([32, 16]);
      expect(seen.get(`${WORKER_METRICS.epochDuration.name}${tags}`)).toEqual([2.5]);
      expect(seen.get(`${WORKER_METRICS.gpuMemory.name}${tags}`)).toEqual(
        backend === 'tensorflow-gpu' ? [1024] : undefined,
      );
    }
  });
});
