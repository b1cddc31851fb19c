#!/usr/bin/env node
// Part of `pnpm build`: bundles the compiled workflows (dist/workflows) into one file that the
// control worker loads as it starts (Worker.create's workflowBundle), instead of running webpack
// at every start — ~4 s of CPU on a 2-core machine, and Temporal's advice for production.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const require = createRequire(import.meta.url);
const { bundleWorkflowCode, DefaultLogger } = require('@temporalio/worker');

const { code } = await bundleWorkflowCode({
  workflowsPath: join(dist, 'workflows', 'index.js'),
  logger: new DefaultLogger('WARN'),
});
writeFileSync(join(dist, 'workflow-bundle.js'), code);
