import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/** Literals in a query (`spec: { task: "pose3d" }`) become plain JS values, variables included. */
function parseLiteral(
  node: ValueNode,
  variables: Record<string, unknown> | null | undefined,
): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.ENUM:
      return node.value;
    case Kind.LIST:
      return node.values.map((v) => parseLiteral(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(
        node.fields.map((f) => [f.name.value, parseLiteral(f.value, variables)]),
      );
    case Kind.VARIABLE:
      return variables?.[node.name.value];
  }
}

/** Sweep specs, trial params and metric maps are open-ended JSON documents. */
export const GraphQLJSON = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value: sweep specs, trial parameters and metric maps.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral,
});
