import { readdirSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { format, resolveConfig } from 'prettier';

/** What `graphql-codegen --config` would write now for `config`, without writing it. */
export async function regenerate(
  config: CodegenConfig,
  documents: CodegenConfig['documents'] = config.documents,
): Promise<Array<{ filename: string; content: string }>> {
  return generate({ ...config, documents, hooks: {}, silent: true }, false);
}

/**
 * The files of `dir` (a codegen output folder) that differ from what codegen makes of the schema
 * and documents now, compared as prettier prints them (formatting the committed files is no
 * drift); also any file codegen would add or no longer write. Empty when the folder is current.
 */
export async function staleGeneratedFiles(config: CodegenConfig, dir: string): Promise<string[]> {
  const outputs = await regenerate(config);
  const made = outputs.map((o) => relative(dir, o.filename));
  const committed = readdirSync(dir);
  const stale = [
    ...made.filter((f) => !committed.includes(f)),
    ...committed.filter((f) => !made.includes(f)),
  ];
  const pretty = async (text: string, file: string) =>
    format(text, { ...(await resolveConfig(file)), filepath: file });
  for (const o of outputs) {
    const file = relative(dir, o.filename);
    if (!committed.includes(file)) continue;
    const before = await pretty(readFileSync(o.filename, 'utf8'), o.filename);
    if (before !== (await pretty(o.content, o.filename))) stale.push(file);
  }
  return stale;
}
