#include "store/postgres/pg_schema.hpp"

#include <set>

#include "core/clock.hpp"
#include "store/migrations.hpp"

namespace imhub {
namespace {

// Any fixed number: the advisory lock that migrating nodes take in turn.
constexpr const char* kMigrationLock = "SELECT pg_advisory_lock(4601510015)";
constexpr const char* kMigrationUnlock = "SELECT pg_advisory_unlock(4601510015)";

// Every table gets the statement trigger that tells the nodes it was written (pg_epochs.hpp);
// run after the migrations, so tables a migration adds get it at the same start.
constexpr const char* kEpochTriggers = R"SQL(
CREATE OR REPLACE FUNCTION imhub_table_epoch() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('imhub_epochs', TG_TABLE_NAME);
  RETURN NULL;
END
$fn$;
DO $do$
DECLARE t text;
BEGIN
  FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = current_schema()
        AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'imhub_table_epoch')
  LOOP
    EXECUTE format('CREATE TRIGGER imhub_table_epoch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION imhub_table_epoch()', t);
  END LOOP;
END
$do$;
)SQL";

// The tables of the schema that lack the epoch trigger (kEpochTriggers adds it).
constexpr const char* kTablesWithoutTrigger = R"SQL(
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname = current_schema()
  AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'imhub_table_epoch')
)SQL";

void apply(PgConn& conn, const Migration& m) {
  conn.run("BEGIN");
  try {
    if (conn.query("SELECT 1 FROM schema_migrations WHERE version = $1", {int64_t{m.version}}).empty()) {
      conn.run(postgres_migration_sql(m));
      conn.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                {int64_t{m.version}, std::string(m.name), now_unix_seconds()});
    }
    conn.run("COMMIT");
  } catch (...) {
    try {
      conn.run("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
}

// Nothing to do: every migration up to `migrate_to` recorded and every table with its epoch trigger.
// Checked without the lock, so a node or CLI command that starts on a current schema costs two
// queries, not a round trip per migration and a catalog write (CREATE OR REPLACE FUNCTION) each time.
bool schema_current(PgConn& conn, int migrate_to) {
  if (conn.query("SELECT 1 FROM pg_class WHERE relname = 'schema_migrations' AND relkind = 'r' "
                 "AND relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())")
          .empty())
    return false;
  std::set<int64_t> applied;
  for (const Row& r : conn.query("SELECT version FROM schema_migrations")) applied.insert(r.i64(0));
  for (const Migration& m : migrations()) {
    if (migrate_to && m.version > migrate_to) break;
    if (!applied.contains(m.version)) return false;
  }
  return conn.query(kTablesWithoutTrigger).empty();
}

}  // namespace

int migrate_postgres(PgConn& conn, int migrate_to) {
  if (!schema_current(conn, migrate_to)) {
    conn.run(kMigrationLock);
    try {
      conn.run(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
          "applied_at BIGINT NOT NULL)");
      for (const Migration& m : migrations()) {
        if (migrate_to && m.version > migrate_to) break;
        apply(conn, m);
      }
      conn.run(kEpochTriggers);
    } catch (...) {
      try {
        conn.run(kMigrationUnlock);
      } catch (...) {
      }
      throw;
    }
    conn.run(kMigrationUnlock);
  }
  Rows v = conn.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return v.empty() ? 0 : static_cast<int>(v[0].i64(0));
}

}  // namespace imhub
