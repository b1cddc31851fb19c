import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  type GraphQLSchema,
  parse,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';

/**
 * What one GraphQL document may ask for, checked before anything runs (GraphQL Armor). Set well
 * above what the CLI's and the page's own documents need (a test runs every one of them through
 * these rules), and far below a denial of service: 300 aliased `sweeps(limit: 1000)` is refused.
 */
export const GRAPHQL_LIMITS = {
  /** Aliases per document: the page aliases one mutation; a client needs a few, not hundreds. */
  maxAliases: 10,
  /** Field nesting: a sweep's trials' history rows are 5 deep; introspection is not counted. */
  maxDepth: 10,
  /**
   * graphql-armor's static cost: objects 2, scalars 1, ×1.5 per level, times a list's literal
   * `first`/`limit`. The largest own document is the page's learning curves (`history(first:
   * 1000)` of 20 trials, ~21,000); a whole 10⁵-trial read in one request is ~10⁸.
   */
  maxCost: 50_000,
  /** Lexical tokens per document (graphql-js stops parsing past it). */
  maxTokens: 3000,
  maxDirectives: 20,
} as const;

/** Every refusal says which limit, and by how much, so a legitimate client knows what to change. */
const armor = new ApolloArmor({
  maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
  maxDepth: { n: GRAPHQL_LIMITS.maxDepth },
  costLimit: { maxCost: GRAPHQL_LIMITS.maxCost },
  // Apollo's own parser enforces the token limit (parseOptions): a 400 like any syntax error.
  maxTokens: { enabled: false },
  maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
  // "Did you mean …" would list fields to a prober who guesses names.
  blockFieldSuggestion: { enabled: true },
});
const protection = armor.protect();

/** Apollo's share of the armor (HTTP): its validation rules and plugins (no field suggestions). */
export const armorValidationRules: ValidationRule[] = protection.validationRules ?? [];
export const armorPlugins = (protection.plugins ?? []) as ApolloServerPlugin[];

/**
 * The same limits for a graphql-ws subscription, which Apollo's plugins never see: parsed with the
 * token limit, validated with GraphQL's rules plus the armor's. The errors, or undefined when the
 * document passes (graphql-ws then parses and runs it as usual).
 */
export function subscriptionErrors(
  schema: GraphQLSchema,
  query: string,
): readonly GraphQLError[] | undefined {
  let document;
  try {
    document = parse(query, { maxTokens: GRAPHQL_LIMITS.maxTokens });
  } catch (err) {
    if (err instanceof GraphQLError) return [err];
    throw err;
  }
  const errors = validate(schema, document, [...specifiedRules, ...armorValidationRules]);
  return errors.length > 0 ? errors : undefined;
}
