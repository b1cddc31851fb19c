#!/bin/sh
# Runs in temporalio/admin-tools before the Temporal server starts: creates Temporal's two
# databases on the shared PostgreSQL and brings their schemas to the version this admin-tools
# image ships, with Temporal's own temporal-sql-tool (as Temporal's compose samples and Helm
# chart do). Connection from SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD.
# Idempotent: on a second start the databases exist and the schemas are current.
set -eu
for db in temporal temporal_visibility; do
  # create-database fails when the database exists (a restart); setup-schema below then
  # either finds it or fails for real, so nothing is hidden.
  SQL_DATABASE="$db" temporal-sql-tool create-database ||
    echo "temporal-schema: could not create $db (exists already?)"
done
SQL_DATABASE=temporal temporal-sql-tool setup-schema -v 0.0
SQL_DATABASE=temporal temporal-sql-tool update-schema \
  --schema-dir /etc/temporal/schema/postgresql/v12/temporal/versioned
SQL_DATABASE=temporal_visibility temporal-sql-tool setup-schema -v 0.0
SQL_DATABASE=temporal_visibility temporal-sql-tool update-schema \
  --schema-dir /etc/temporal/schema/postgresql/v12/visibility/versioned
echo "temporal-schema: done"
