/** Injection tokens for the values main.ts creates before Nest starts (env parsed once, database opened once). */
export const API_ENV = Symbol('API_ENV');
export const DATABASE = Symbol('DATABASE');
/** What the API listens to for the database's writes (the opened DbHandle's `listen`). */
export const DATABASE_EVENTS = Symbol('DATABASE_EVENTS');
/** The API's Prometheus registry (health/metrics.ts). */
export const METRICS = Symbol('METRICS');
/** The API's one Authenticator (src/access): GraphQL's context and the artifact route check tokens with it. */
export const AUTHENTICATOR = Symbol('AUTHENTICATOR');
