// The schema of a PostgreSQL store: the shared migration list (store/migrations.hpp) in its
// PostgreSQL form, then the statement triggers that feed the table epochs (pg_epochs.hpp).
#pragma once

#include "store/postgres/pg_conn.hpp"

namespace imhub {

// Applies what is missing, each migration in its own transaction with its schema_migrations row;
// an advisory lock keeps two nodes starting together from migrating at once. Returns the version.
int migrate_postgres(PgConn& conn, int migrate_to);

}  // namespace imhub
