import { graphql, type ApiTarget } from './graphql-client';
import { SWEEP_PAGE, type SweepPageView, type SweepView, type TrialView } from './queries';

/** Trials per request: the API's default page. */
export const TRIAL_PAGE_SIZE = 100;
/** Epochs per trial and request; a longer history is read on in further requests. */
export const HISTORY_PAGE_SIZE = 1000;

export interface FetchSweepOptions {
  /** After each page: trials read so far, of how many. */
  onPage?: (progress: { read: number; total: number }) => void;
  pageSize?: number;
  historyPageSize?: number;
}

/**
 * A sweep with every trial and its whole history, following the pages' `next` cursors until
 * null; null when there is no such sweep. The sweep's own fields are those of the first page:
 * a sweep seen ended there has no trial still changing on the pages after it.
 */
export async function fetchSweep(
  api: ApiTarget,
  id: string,
  opts: FetchSweepOptions = {},
): Promise<SweepView | null> {
  const first = opts.pageSize ?? TRIAL_PAGE_SIZE;
  const historyFirst = opts.historyPageSize ?? HISTORY_PAGE_SIZE;
  const read = (after: string | null, pageFirst = first, historyAfter: string | null = null) =>
    graphql(api, SWEEP_PAGE, { id, first: pageFirst, after, historyFirst, historyAfter });

  let head: SweepPageView | undefined;
  const trials: TrialView[] = [];
  let after: string | null = null;
  do {
    const { sweep } = await read(after);
    if (!sweep) {
      if (head === undefined) return null;
      throw new Error(`sweep ${id} disappeared while its trials were being read`);
    }
    head ??= sweep;
    for (const [offset, row] of sweep.trials.rows.entries()) {
      const history = [...row.history.rows];
      // A trial with more epochs than a page holds: read its history on, alone. Trials are
      // addressed by their page's cursor and position (keyset on the index, so still there).
      for (let next = row.history.next; next !== null;) {
        const again = (await read(after, offset + 1, next)).sweep?.trials.rows[offset];
        if (again?.id !== row.id) throw new Error(`trial ${row.id} moved while being read`);
        history.push(...again.history.rows);
        next = again.history.next;
      }
      trials.push({ ...row, history });
    }
    after = sweep.trials.next;
    opts.onPage?.({ read: trials.length, total: Math.max(head.trialCount, trials.length) });
  } while (after !== null);
  const { trials: _firstPage, ...fields } = head;
  return { ...fields, trials };
}
