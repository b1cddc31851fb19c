/** Injection tokens for the values main.ts creates before Nest starts (env parsed once, database opened once). */
export const API_ENV = Symbol('API_ENV');
export const DATABASE = Symbol('DATABASE');
