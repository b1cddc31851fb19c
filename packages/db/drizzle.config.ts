import { defineConfig } from 'drizzle-kit';

// Generates SQL migrations into ./drizzle (committed); they are applied at start by openDatabase, never pushed.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './drizzle',
  casing: 'snake_case',
});
