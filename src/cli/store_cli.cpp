// `imhub store migrate|backup|restore`: moving a portal from SQLite to PostgreSQL, and the
// backup file of either engine (docs/operations.md "Backup and restore", docs/postgresql.md).
#include <spawn.h>
#include <sys/wait.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app.hpp"
#include "cli/commands.hpp"
#include "cli/data_dir.hpp"
#include "cli/output.hpp"
#include "cli/store_session.hpp"
#include "disk/file_tree_copy.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_backup.hpp"
#include "store/store_migrate.hpp"
#include "users/master_key.hpp"
#include "users/portal.hpp"

extern char** environ;

namespace imhub {
namespace {

struct StoreCliOptions {
  std::string data = "./data";
  std::string from;
  std::string to;
  std::string files_to;
  int64_t batch = 5000;
  bool force = false;
};

// Runs a PostgreSQL client program (pg_dump, pg_restore) with `args`, its output to ours.
// The connection URL goes as an argument, as it would typed by hand: a password belongs in
// PGPASSWORD or ~/.pgpass, not in the URL (docs/operations.md).
void run_pg_tool(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (rc != 0)
    throw std::runtime_error(args[0] + " cannot be run (" + std::strerror(rc) +
                             "): install PostgreSQL's client programs (Debian: postgresql-client) of the server's "
                             "version or newer");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(args[0] + " failed (exit " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                             "); its message is above");
}

int run_migrate(const StoreCliOptions& o) {
  if (!is_postgres_url(o.to)) throw UsageError("--to must be a PostgreSQL URL, postgresql://…");
  if (o.batch < 1) throw UsageError("--batch must be at least 1");
  require_store(o.from);
  DataDirLock lock(o.from);  // no server may write the source while it is copied
  auto source = open_store(o.from, Config{}, StoreLocation{});
  StoreLocation to;
  to.url = o.to;
  auto target = open_store(o.from, Config{}, to);
  MigrateOptions options;
  options.batch_rows = o.batch;
  options.master_key = load_or_create_master_key(o.from);
  options.on_batch = [](const std::string& table, int64_t rows) {
    std::cerr << "imhub: " << table << ": " << rows << " rows copied" << std::endl;
  };
  FileTreeCopy files;
  if (!o.files_to.empty()) options.before_finish = [&] { files = copy_file_tree(o.from, o.files_to); };
  MigrateReport report;
  try {
    report = migrate_store(*source, *target, options);
  } catch (const MigrateRefused& e) {
    source->close();
    target->close();
    return print_error(e.what(), kExitFailed);
  }
  source->close();
  target->close();
  Value tables = Value::list();
  for (const TableCopy& t : report.tables)
    tables.push_back(
        Value::object({{"table", Value(t.table)}, {"rows", Value(t.rows)}, {"verified", Value(t.verified)}}));
  Value out = Value::object({{"resumed", Value(report.resumed)},
                             {"rows_copied", Value(report.rows_copied)},
                             {"sequences_set", Value(report.sequences_set)},
                             {"tables", tables}});
  if (o.files_to.empty()) {
    out.get_map().set("files", Value("not copied: name --files-to DIR, or set [files] dir = \"" + o.from +
                                     "\" on the nodes (docs/postgresql.md \"Shared node state\")"));
  } else {
    out.get_map().set("files", Value::object({{"dir", Value(o.files_to)},
                                              {"copied", Value(files.copied)},
                                              {"present", Value(files.present)},
                                              {"bytes", Value(files.bytes)}}));
  }
  print_json(out);
  return 0;
}

int run_backup(const StoreCliOptions& o) {
  const std::string& url = store_url_option();
  if (!url.empty()) {
    const std::string tmp = o.to + ".tmp";
    if (std::filesystem::exists(o.to)) throw std::runtime_error("the backup file " + o.to + " exists already");
    run_pg_tool({"pg_dump", "--format=custom", "--no-owner", "--file=" + tmp, "--dbname=" + url});
    std::filesystem::rename(tmp, o.to);
    print_json(Value::object({{"backup", Value(o.to)},
                              {"engine", Value("postgresql")},
                              {"bytes", Value(static_cast<int64_t>(std::filesystem::file_size(o.to)))}}));
    return 0;
  }
  // Opening applies this version's migrations first (portal_secrets, where the key goes).
  auto store = open_store(o.data, Config{}, StoreLocation{});
  store->close();
  const int64_t bytes = backup_sqlite(o.data + "/imhub.db", o.to, load_or_create_master_key(o.data));
  print_json(Value::object({{"backup", Value(o.to)}, {"engine", Value("sqlite")}, {"bytes", Value(bytes)}}));
  return 0;
}

int run_restore(const StoreCliOptions& o) {
  const std::string& url = store_url_option();
  if (!std::filesystem::is_regular_file(o.from)) throw std::runtime_error("no backup file " + o.from);
  if (!url.empty()) {
    // One transaction: into a database that already has the tables, pg_restore fails and leaves
    // it as it was, which is the refusal; --force drops what is there first.
    std::vector<std::string> args = {"pg_restore", "--no-owner", "--single-transaction", "--exit-on-error",
                                     "--dbname=" + url};
    if (o.force) {
      args.push_back("--clean");
      args.push_back("--if-exists");
    }
    args.push_back(o.from);
    run_pg_tool(args);
    print_json(Value::object({{"restored", Value(o.from)}, {"engine", Value("postgresql")}}));
    return 0;
  }
  prepare_data_dir(o.data);
  DataDirLock lock(o.data);  // refuses a directory a server is using
  const std::string db = o.data + "/imhub.db";
  if (!o.force && sqlite_store_initialised(db))
    throw std::runtime_error("data directory '" + o.data +
                             "' holds a store already; restore into a new directory, or pass --force to replace it");
  const std::string key = restore_sqlite(o.from, db);
  if (!key.empty()) save_master_key_file(o.data, key);
  // Brings a backup of an older version up to this one's schema.
  auto store = open_store(o.data, Config{}, StoreLocation{});
  store->close();
  Value out = Value::object({{"restored", Value(o.from)}, {"engine", Value("sqlite")}, {"data", Value(o.data)}});
  if (key.empty())
    out.get_map().set("note", Value("the backup carries no master key: the data directory's imhub.key is kept"));
  print_json(out);
  return 0;
}

}  // namespace

void add_store_group(CLI::App& cli, CommandTable& table) {
  auto o = std::make_shared<StoreCliOptions>();
  auto* group = cli.add_subcommand("store", "move, back up and restore the store");
  group->require_subcommand(1);

  auto* migrate = group->add_subcommand(
      "migrate", "copy an SQLite data directory into an empty PostgreSQL database (resumable; verifies every table)");
  migrate->add_option("--from", o->from, "the SQLite data directory (no server may be using it)")->required();
  migrate->add_option("--to", o->to, "the PostgreSQL store, postgresql://…")->required();
  migrate->add_option("--files-to", o->files_to, "copy files and avatars into this shared directory ([files] dir)");
  migrate->add_option("--batch", o->batch, "rows per batch (default 5000)");
  table.add(
      migrate, [o] { return run_migrate(*o); }, DataUse::kNone);

  auto* backup = group->add_subcommand(
      "backup", "write the store to a new file: SQLite's online backup (safe while serving), or pg_dump with --store");
  backup->add_option("--to", o->to, "the backup file to create")->required();
  add_data_option(backup, o->data);
  table.add(backup, [o] { return run_backup(*o); });

  auto* restore = group->add_subcommand(
      "restore", "restore a backup file into a data directory (or with --store, pg_restore into the database)");
  restore->add_option("--from", o->from, "the backup file")->required();
  restore->add_flag("--force", o->force, "replace the store that is there (never one a server is using)");
  add_data_option(restore, o->data);
  table.add(
      restore, [o] { return run_restore(*o); }, DataUse::kCreate);
}

}  // namespace imhub
