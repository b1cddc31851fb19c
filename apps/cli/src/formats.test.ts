import { describe, expect, it } from 'vitest';
import { PARAMETER_NAMES, referenceRows, TASK_IDS, TASKS } from '@headroom/sweep';
import {
  csvField,
  csvOfTrials,
  formatLeaderboard,
  jsonlOfTrials,
  leaderboardCsv,
  leaderboardJsonRows,
  leaderboardMarkdown,
  modelLabel,
  type ExportTrial,
  type GroupRow,
  type LeaderboardTable,
} from './formats';

/** An RFC 4180 reader, written apart from the writer so the round trip checks something. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

/** CSV as records keyed by the header. */
function records(text: string): Array<Record<string, string>> {
  const [header, ...body] = parseCsv(text);
  return body.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i]!])));
}

const BASE: GroupRow = {
  d_m: 512,
  heads: 8,
  d_h: 64,
  qk_tied: false,
  n: 5,
  mean: 38.04,
  std: 0.4321,
  min: 37.5,
  max: 38.6,
  paramCount: 12_345_678,
  flops: 987_654_321,
  metrics: { mpjpe: { mean: 38.04, std: 0.4321 }, p_mpjpe: { mean: 27.96, std: 0.25 } },
};
const FLEXIBLE: GroupRow = {
  d_m: 512,
  heads: 8,
  d_h: 128,
  qk_tied: true,
  n: 1,
  mean: 44.987,
  std: null,
  min: 44.987,
  max: 44.987,
  paramCount: 20_000_000,
  flops: null,
  metrics: { mpjpe: { mean: 44.987, std: null }, p_mpjpe: { mean: 32.81, std: null } },
};
const TABLE2: LeaderboardTable = {
  task: 'pose3d',
  metric: 'mpjpe',
  rows: [BASE, FLEXIBLE],
  references: referenceRows('pose3d', 'mpjpe').filter((r) => r.id.startsWith('thesis-t2-')),
};

describe('leaderboardMarkdown', () => {
  it('prints a table shaped like the thesis Table 2, mean ± sample std at the papers’ precision', () => {
    const md = leaderboardMarkdown(TABLE2).split('\n');
    expect(md[0]).toBe('| Model | d_m | heads | d_h | Prot. 1 (mm) | Prot. 2 (mm) | n |');
    expect(md[1]).toBe('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    expect(md).toContain('| Base | 512 | 8 | 64 | 38.0 ± 0.4 | 28.0 ± 0.3 | 5 |');
    // n = 1: the mean alone, no "± —".
    expect(md).toContain('| flexible Q = K | 512 | 8 | 128 | 45.0 | 32.8 | 1 |');
  });

  it('puts published rows first, italic with a source footnote, keeping their printed digits', () => {
    const md = leaderboardMarkdown(TABLE2).split('\n');
    expect(md[2]).toBe('| *thesis Table 2 · Base* [1] | 512 | 8 | 64 | 37.7 | 27.6 | — |');
    // Heads unknown; 45.15 is printed as the slide prints it, not rounded to 45.1 or 45.2.
    expect(md[4]).toBe(
      '| *thesis Table 2 · Propio d_h 64* [1] | 512 | — | 64 | 45.15 | 32.96 | — |',
    );
    expect(md.filter((l) => l.startsWith('[1] '))).toHaveLength(1);
    expect(md.some((l) => l.startsWith('[2] '))).toBe(false);
    expect(md.join('\n')).toContain('[1] Peralta, Avance de Tesis');
    // The measured rows come after every reference, in rank order.
    expect(md.findIndex((l) => l.startsWith('| Base'))).toBe(2 + TABLE2.references!.length);
  });

  it('footnotes each distinct source and note once, and escapes pipes in labels', () => {
    const md = leaderboardMarkdown({
      task: 'chest',
      metric: 'mean_auc',
      rows: [
        {
          ...BASE,
          d_h: 32,
          params: { optimizer: 'adam|w' },
          metrics: { mean_auc: { mean: 0.84123, std: 0.00456 } },
        },
      ],
      references: referenceRows('chest', 'mean_auc'),
    });
    expect(md).toContain(
      '| flexible (optimizer adam\\|w) | 512 | 8 | 32 | — | 0.841 ± 0.005 | 5 |',
    );
    expect(md).toContain('| *thesis Table 3 · Original* [3] | — | — | — | 0.834 | 0.841 | — |');
    expect(md).toContain('not comparable with runs on the official labels');
    // CheXNet's README, the four compared columns (one note), Original, Relabeled.
    expect(md.match(/^\[\d+\] /gm)).toHaveLength(4);
  });

  it('prints other metric columns when asked, and a dash where a row has no value', () => {
    const md = leaderboardMarkdown({ ...TABLE2, references: [], columns: ['p_mpjpe', 'pck'] });
    expect(md.split('\n')[0]).toBe('| Model | d_m | heads | d_h | Prot. 2 (mm) | pck | n |');
    expect(md).toContain('| Base | 512 | 8 | 64 | 28.0 ± 0.3 | — | 5 |');
    expect(md).not.toContain('Italic');
  });
});

describe('csvField', () => {
  it('quotes quotes, commas and line breaks as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('')).toBe('');
  });

  it('guards text that a spreadsheet would run as a formula, never numbers', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-cmd')).toBe("'-cmd");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(1e-7)).toBe('1e-7');
    expect(csvField(NaN)).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(false)).toBe('false');
  });
});

describe('leaderboardCsv', () => {
  it('writes every number at full precision, references unranked and marked', () => {
    const text = leaderboardCsv(TABLE2);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = records(text);
    const refs = rows.filter((r) => r.reference === 'true');
    expect(refs.map((r) => r.label)).toEqual(TABLE2.references!.map((r) => r.label));
    expect(refs.every((r) => r.rank === '' && r.n === '' && r.std === '')).toBe(true);
    expect(refs[0]).toMatchObject({
      mean: '37.7',
      mpjpe_mean: '37.7',
      p_mpjpe_mean: '27.6',
      d_m: '512',
    });
    const measured = rows.filter((r) => r.reference === 'false');
    expect(measured.map((r) => r.rank)).toEqual(['1', '2']);
    expect(measured[0]).toMatchObject({
      label: 'Base',
      n: '5',
      mean: '38.04',
      std: '0.4321',
      min: '37.5',
      max: '38.6',
      paramCount: '12345678',
      flops: '987654321',
      mpjpe_std: '0.4321',
      p_mpjpe_mean: '27.96',
    });
    expect(measured[1]).toMatchObject({
      std: '',
      flops: '',
      qk_tied: 'true',
      label: 'flexible Q = K',
    });
  });

  it('gives grouping parameters their own columns and survives hostile text', () => {
    const rows = records(
      leaderboardCsv({
        task: 'pose3d',
        metric: 'mpjpe',
        rows: [{ ...BASE, params: { lr: 0.001, optimizer: '=cmd|"x",\ny' } }],
      }),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.lr).toBe('0.001');
    expect(rows[0]!.optimizer).toBe('\'=cmd|"x",\ny');
    expect(rows[0]!.label).toBe('Base (lr 0.001, optimizer =cmd|"x",\ny)');
  });
});

describe('leaderboardJsonRows', () => {
  it('gives measured rows exactly the issue’s keys, and references nulls for run statistics', () => {
    const rows = leaderboardJsonRows(TABLE2);
    const measured = rows.filter((r) => r.reference === undefined);
    expect(measured).toHaveLength(2);
    for (const r of measured)
      expect(Object.keys(r).sort()).toEqual(
        [
          'd_m',
          'heads',
          'd_h',
          'qk_tied',
          'n',
          'mean',
          'std',
          'min',
          'max',
          'paramCount',
          'flops',
          'metrics',
        ].sort(),
      );
    expect(measured[1]).toMatchObject({ n: 1, std: null, flops: null, d_h: 128, qk_tied: true });
    const base = rows.find((r) => r.reference?.id === 'thesis-t2-base');
    expect(base).toMatchObject({
      d_m: 512,
      heads: 8,
      n: null,
      mean: 37.7,
      std: null,
      min: null,
      metrics: { mpjpe: { mean: 37.7, std: null }, p_mpjpe: { mean: 27.6, std: null } },
    });
    expect(rows.find((r) => r.reference?.id === 'thesis-t2-propio-dh32')?.heads).toBeNull();
    expect(JSON.parse(formatLeaderboard('json', TABLE2))).toEqual(rows);
  });

  it('adds params only when groups differ in more than geometry', () => {
    const [row] = leaderboardJsonRows({
      task: 'pose3d',
      metric: 'mpjpe',
      rows: [{ ...BASE, params: { lr: 0.01 } }],
    });
    expect(row!.params).toEqual({ lr: 0.01 });
  });
});

const TRIALS: ExportTrial[] = [
  {
    id: 'sw-1/0',
    index: 0,
    status: 'succeeded',
    params: { lr: 0.001, d_m: 64, heads: 4, d_h: 'auto', seed: 1, optimizer: 'adam' },
    metrics: { p_mpjpe: 30.5, mpjpe: 40.25 },
    history: [
      { epoch: 1, metrics: { mpjpe: 60, p_mpjpe: 45 } },
      { epoch: 2, metrics: { mpjpe: 40.25, p_mpjpe: 30.5 } },
    ],
  },
  {
    id: 'sw-1/1',
    index: 1,
    status: 'failed',
    params: { d_m: 64, heads: 4, d_h: 32, seed: 2, optimizer: '-x', custom: { a: 1 } },
    metrics: null,
  },
];

describe('csvOfTrials', () => {
  it('writes a line per trial: id, index, status, each parameter, then the final metrics in the task’s order', () => {
    const text = csvOfTrials(TRIALS, { task: 'pose3d' });
    const [header] = parseCsv(text);
    expect(header).toEqual([
      'trial_id',
      'index',
      'status',
      'd_m',
      'heads',
      'd_h',
      'lr',
      'seed',
      'optimizer',
      'custom',
      'mpjpe',
      'p_mpjpe',
    ]);
    const rows = records(text);
    expect(rows[0]).toMatchObject({ trial_id: 'sw-1/0', d_h: 'auto', lr: '0.001', mpjpe: '40.25' });
    expect(rows[1]).toMatchObject({
      status: 'failed',
      lr: '',
      mpjpe: '',
      optimizer: "'-x",
      custom: '{"a":1}',
    });
  });

  it('writes a line per trial and epoch in the epochs layout', () => {
    const rows = records(csvOfTrials(TRIALS, { layout: 'epochs', task: 'pose3d' }));
    expect(rows.map((r) => [r.trial_id, r.epoch, r.mpjpe, r.p_mpjpe])).toEqual([
      ['sw-1/0', '1', '60', '45'],
      ['sw-1/0', '2', '40.25', '30.5'],
    ]);
    expect(rows[0]!.seed).toBe('1');
  });

  it('has no column that is both a parameter and a metric of some task', () => {
    const fixed = ['trial_id', 'index', 'status', 'epoch'];
    const metrics = TASK_IDS.flatMap((t) => Object.keys(TASKS[t].metrics));
    for (const p of [...PARAMETER_NAMES, ...fixed]) expect(metrics).not.toContain(p);
    expect(() => csvOfTrials([{ ...TRIALS[0]!, metrics: { lr: 1 } }], { task: 'pose3d' })).toThrow(
      /the column "lr"/,
    );
  });
});

describe('jsonlOfTrials', () => {
  it('writes one object per line and trial, with its history', () => {
    const lines = jsonlOfTrials(TRIALS).split('\n');
    expect(lines.at(-1)).toBe('');
    const objects = lines.slice(0, -1).map((l) => JSON.parse(l) as ExportTrial);
    expect(objects).toHaveLength(2);
    expect(objects[0]).toEqual(TRIALS[0]);
    expect(objects[1]!.history).toEqual([]);
  });
});

describe('modelLabel', () => {
  it('names the standard layer Base, as the thesis does, and anything else flexible', () => {
    expect(modelLabel({ d_m: 512, heads: 8, d_h: 64, qk_tied: false })).toBe('Base');
    expect(modelLabel({ d_m: 512, heads: 8, d_h: 64, qk_tied: true })).toBe('Base Q = K');
    expect(modelLabel({ d_m: 256, heads: 4, d_h: 48, qk_tied: false })).toBe('flexible');
  });
});
