#!/bin/sh
# Runs in temporalio/admin-tools once the Temporal server answers: registers the namespace
# Headroom uses (TEMPORAL_NAMESPACE) with its retention, unless it exists.
set -eu
ns="${TEMPORAL_NAMESPACE:?}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  echo "temporal-namespace: waiting for $TEMPORAL_ADDRESS"
  sleep 2
done
if temporal operator namespace describe --namespace "$ns" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  echo "temporal-namespace: $ns exists"
else
  temporal operator namespace create --namespace "$ns" --retention "${TEMPORAL_RETENTION:-720h}" \
    --address "$TEMPORAL_ADDRESS"
  echo "temporal-namespace: created $ns"
fi
