// The benches' GraphQL client: a POST to the API (`{ url, token }`, as the CLI's ApiTarget),
// its `data`, or an Error with the messages.
export async function graphql({ url, token }, query, variables) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors?.length)
    throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data;
}
