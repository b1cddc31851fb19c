import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Folders being written by this process, so concurrent callers wait for one writer. */
const writing = new Map<string, Promise<string>>();

/**
 * The folder `root` (absolute), written by `write` if it is not there yet. It is written in a
 * temporary folder beside it and renamed into place, so a folder under the final name is always
 * complete, and callers on one machine (in this process or others) that race to write it all end
 * up reading the same one. For generated data sets that are a pure function of their name.
 */
export async function materializeFolder(
  root: string,
  write: (tmp: string) => Promise<unknown>,
): Promise<string> {
  let job = writing.get(root);
  if (!job) {
    job = writeOnce(root, write).finally(() => writing.delete(root));
    writing.set(root, job);
  }
  return job;
}

async function writeOnce(root: string, write: (tmp: string) => Promise<unknown>): Promise<string> {
  if (await isDirectory(root)) return root;
  await mkdir(dirname(root), { recursive: true });
  const tmp = await mkdtemp(join(dirname(root), `.${basename(root)}.tmp-`));
  try {
    await write(tmp);
    try {
      await rename(tmp, root);
    } catch (err) {
      // Another process renamed its copy first: theirs is as good as ours.
      if (!(await isDirectory(root))) throw err;
    }
    return root;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
