import type { ResultOf } from '@graphql-typed-document-node/core';
import { HeadroomError, isHeadroomError } from '@headroom/errors';
import { isFinalSweepStatus, type TaskId } from '@headroom/sweep';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  authorizationOf,
  errorOfResponse,
  graphql,
  type ApiTarget,
  type GraphQLErrorShape,
} from './graphql-client';
import { LEADERBOARD, SWEEP_UPDATED, TRIAL_UPDATED, type SweepView } from './queries';
import { fetchSweep, HISTORY_PAGE_SIZE } from './sweep-pages';

/** Reconnection attempts (about 2 minutes at the longest wait) before `watchSweep` gives up. */
const RETRY_ATTEMPTS = 30;
const MAX_RETRY_WAIT_MS = 5_000;

type TrialEvent = ResultOf<typeof TRIAL_UPDATED>['trialUpdated'];
type SweepEvent = ResultOf<typeof SWEEP_UPDATED>['sweepUpdated'];
type WatchEvent = { trial: TrialEvent } | { sweep: SweepEvent };

export interface WatchSweepOptions {
  timeoutMs?: number;
  /** Reconnections tried after the connection drops; then it fails (CONFIG). */
  retryAttempts?: number;
}

/**
 * Follows a sweep until it ends, calling `onUpdate` with the whole sweep whenever it changes, and
 * returns it as it ended. Over graphql-ws: subscribe (`trialUpdated`, then `sweepUpdated`, whose
 * first event is the sweep as it is: both are live), then read the sweep (`fetchSweep`, every
 * page), then apply the events newer (`updatedAt`) than what was read; nothing written after the
 * subscription is missed. A dropped connection reconnects, subscribes again and reads again. Once
 * an event says the sweep ended it is read a last time (trials' last events may trail the sweep's).
 */
export async function watchSweep(
  api: ApiTarget,
  sweepId: string,
  onUpdate: (s: SweepView) => void,
  opts: WatchSweepOptions = {},
): Promise<SweepView> {
  let connection = 0;
  const client = createClient({
    url: webSocketUrl(api.url),
    webSocketImpl: WebSocket,
    // Browsers cannot set headers on a WebSocket: graphql-ws carries the token in its payload.
    connectionParams: authorizationOf(api),
    retryAttempts: opts.retryAttempts ?? RETRY_ATTEMPTS,
    // Only a connection that was up is tried again: a wrong URL or a stopped API fails at once.
    shouldRetry: () => connection > 0,
    retryWait: (retries) =>
      new Promise((resolve) =>
        setTimeout(resolve, Math.min(250 * 2 ** retries, MAX_RETRY_WAIT_MS)),
      ),
    on: { connected: () => void connection++ },
  });
  const stops: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<SweepView>((resolve, reject) => {
      let view: SweepView | undefined;
      let readFor = -1; // the connection whose subscriptions the current view follows
      let reading = false;
      let reads = 0; // only the latest read's result is kept (a reconnection may start another)
      let ending = false;
      let buffered: WatchEvent[] = [];

      const fail = (err: unknown) => reject(asHeadroomError(err, api.url));
      if (opts.timeoutMs !== undefined) {
        const ms = opts.timeoutMs;
        timer = setTimeout(
          () =>
            reject(
              new Error(`sweep ${sweepId} still ${view?.status ?? 'unread'} after ${ms / 1000} s`),
            ),
          ms,
        );
      }

      const read = async () => {
        const sweep = await fetchSweep(api, sweepId);
        if (!sweep) throw new HeadroomError('NOT_FOUND', `no sweep ${sweepId}`);
        return sweep;
      };
      const settle = () => {
        if (!view || ending || !isFinalSweepStatus(view.status)) return;
        ending = true;
        read().then((last) => {
          onUpdate(last);
          resolve(last);
        }, fail);
      };
      const handle = (event: WatchEvent) => {
        const startsRead = 'sweep' in event && readFor !== connection;
        if (reading || startsRead || view === undefined) buffered.push(event);
        else if (apply(view, event)) {
          onUpdate(view);
          settle();
        }
        if (!startsRead) return;
        readFor = connection;
        reading = true;
        const mine = ++reads;
        read().then((fresh) => {
          if (mine !== reads || ending) return;
          reading = false;
          const endedWhenRead = isFinalSweepStatus(fresh.status);
          view = fresh;
          for (const e of buffered) apply(fresh, e);
          buffered = [];
          onUpdate(fresh);
          if (!endedWhenRead) return settle();
          ending = true; // it had ended when read: nothing more to wait for
          resolve(fresh);
        }, fail);
      };
      const sink = <T>(next: (data: T) => void) => ({
        next: (r: { data?: T | null; errors?: readonly GraphQLErrorShape[] }) => {
          if (r.errors?.length) fail(errorOfResponse(r.errors));
          else if (r.data) next(r.data);
        },
        error: fail,
        complete: () => undefined,
      });
      stops.push(
        client.subscribe(
          { query: print(TRIAL_UPDATED), variables: { sweepId, historyFirst: HISTORY_PAGE_SIZE } },
          sink<ResultOf<typeof TRIAL_UPDATED>>((d) => handle({ trial: d.trialUpdated })),
        ),
        client.subscribe(
          { query: print(SWEEP_UPDATED), variables: { id: sweepId } },
          sink<ResultOf<typeof SWEEP_UPDATED>>((d) => handle({ sweep: d.sweepUpdated })),
        ),
      );
    });
  } finally {
    clearTimeout(timer);
    for (const stop of stops) stop();
    await client.dispose();
  }
}

/** Applies an event newer than what `view` holds of its row; false when it is not newer. */
function apply(view: SweepView, event: WatchEvent): boolean {
  if ('sweep' in event) {
    if (!isNewer(event.sweep.updatedAt, view.updatedAt)) return false;
    Object.assign(view, event.sweep);
    return true;
  }
  const { history, ...fields } = event.trial;
  const at =
    view.trials[fields.index]?.id === fields.id
      ? fields.index
      : view.trials.findIndex((t) => t.id === fields.id);
  const old = at === -1 ? undefined : view.trials[at];
  if (old && !isNewer(fields.updatedAt, old.updatedAt)) return false;
  // The event carries a page of the history; epochs already read beyond it stay.
  const epochs = new Map((old?.history ?? []).map((h) => [h.epoch, h]));
  for (const h of history.rows) epochs.set(h.epoch, h);
  const trial = { ...fields, history: [...epochs.values()].sort((a, b) => a.epoch - b.epoch) };
  if (old) view.trials[at] = trial;
  else {
    view.trials.push(trial);
    view.trials.sort((a, b) => a.index - b.index);
  }
  return true;
}

function isNewer(event: string, known: string): boolean {
  return Date.parse(event) > Date.parse(known);
}

/** graphql-ws speaks on the API's own /graphql URL: http → ws, https → wss. */
export function webSocketUrl(apiUrl: string): string {
  return apiUrl.replace(/^http/, 'ws');
}

/**
 * What ends a watch: a HeadroomError (a read, NOT_FOUND), GraphQL errors, or what graphql-ws
 * reports when the connection cannot be opened or reopened (an error or close event).
 */
function asHeadroomError(err: unknown, apiUrl: string): HeadroomError {
  if (isHeadroomError(err)) return err;
  if (Array.isArray(err)) return errorOfResponse(err as GraphQLErrorShape[]);
  const e = (err ?? {}) as { message?: string; reason?: string; code?: number };
  const detail = e.message || e.reason || (e.code ? `close code ${e.code}` : '');
  return new HeadroomError(
    'CONFIG',
    `cannot keep a live connection to the Headroom API at ${webSocketUrl(apiUrl)}` +
      `${detail ? ` (${detail})` : ''}; is \`pnpm headroom up\` running?`,
  );
}

/**
 * The best trials of one sweep, a row each (`leaderboard(groupBy: trial, sweepIds: [id])`: n = 1,
 * `trials[0]` is the trial), by the final value of the metric.
 */
export async function fetchSweepLeaderboard(
  api: ApiTarget,
  q: { task: TaskId; metric: string; sweepId: string; limit?: number },
) {
  const { leaderboard } = await graphql(api, LEADERBOARD, {
    task: q.task,
    metric: q.metric,
    groupBy: 'trial',
    epoch: 'final',
    pareto: null,
    sweepIds: [q.sweepId],
    withReferences: false,
    limit: q.limit ?? 20,
    after: null,
  });
  return leaderboard.rows;
}
