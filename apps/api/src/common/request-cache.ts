/**
 * Per-request memo of async loads, so resolvers of many trials of one sweep share one query
 * (`history` of every trial → one listSweepMetrics per sweep). It lives in the GraphQL context:
 * a new request sees fresh data.
 */
export class RequestCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  load<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    let hit = this.entries.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = fetch();
      this.entries.set(key, hit);
    }
    return hit;
  }
}

export interface GraphQLContext {
  cache: RequestCache;
}
