import { spawn } from 'node:child_process';
const port = 4567;
const api = spawn('node', ['apps/api/dist/main.js'], { cwd: '/work/main', env: { ...process.env, PORT: String(port), DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/headroom_bench_leaderboard' }, stdio: ['ignore', 'pipe', 'pipe'] });
await new Promise((res) => { const on = (d) => { if (String(d).includes('http')) res(); }; api.stdout.on('data', on); api.stderr.on('data', on); });
const url = `http://127.0.0.1:${port}/graphql`;
const gql = async (query) => { const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }); const j = await r.json(); if (j.errors) throw new Error(JSON.stringify(j.errors)); return j; };
const ROW = 'rank key d_m heads d_h qk_tied params n mean std min max paramCount flops metrics';
const cases = {
  geomTrials: `{ leaderboard(task: pose3d, metric: "mpjpe") { rows { ${ROW} trials { id sweepId value epoch } } next } }`,
  geomNoTrials: `{ leaderboard(task: pose3d, metric: "mpjpe") { rows { ${ROW} } next } }`,
  pareto: `{ leaderboard(task: pose3d, metric: "mpjpe", pareto: params) { rows { ${ROW} trials { id sweepId value epoch } } next } }`,
  trialTop: `{ leaderboard(task: pose3d, metric: "mpjpe", groupBy: trial) { rows { ${ROW} trials { id sweepId value epoch } } next } }`,
};
for (let round = 0; round < 2; round++)
for (const [name, q] of Object.entries(cases)) {
  const t = [];
  for (let i = 0; i < 40; i++) { const s = performance.now(); await gql(q); t.push(performance.now() - s); }
  t.sort((a, b) => a - b);
  if (round) console.log(name.padEnd(14), 'p50', t[20].toFixed(1), 'p95', t[38].toFixed(1));
}
api.kill();
