import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `pnpm --filter @headroom/web dev` serves the page with hot reload and proxies /graphql
// (and its graphql-ws upgrade) to an API started by `pnpm headroom up` (HEADROOM_API, default :4000).
const api = process.env.HEADROOM_API ?? 'http://127.0.0.1:4000';

// The charts chunk (ECharts' line, scatter and parallel parts) is ~580 kB; it loads with the pages that draw.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 600 },
  server: { proxy: { '/graphql': { target: api, ws: true } } },
});
