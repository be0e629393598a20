#include "app/store_factory.h"

#include <filesystem>

#include "common/private_files.h"
#include "runtime/log.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace gatehouse::app {

Result<std::unique_ptr<store::Store>> OpenStore(const std::string& url) {
  constexpr std::string_view kSqlite = "sqlite://";
  if (url.starts_with(kSqlite)) {
    const std::string path = url.substr(kSqlite.size());
    if (path.empty()) return InvalidArgument("DATABASE: sqlite:// needs a file path");
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) GH_RETURN_IF_ERROR(MakePrivateDirectories(parent.string()));
    // Password hashes, emails, IPs and audit: 0600 (the -wal file takes its mode; there is no -shm,
    // see SqliteDb::Open).
    GH_RETURN_IF_ERROR(MakePrivateFile(path));
    GH_ASSIGN_OR_RETURN(auto sqlite, store::SqliteStore::Open(path));
    return std::unique_ptr<store::Store>(std::move(sqlite));
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    // libpq reads the URI itself (host, port, user, password, database, sslmode, …).
    store::PostgresStore::Options options;
    options.on_connect_error = [](const std::string& detail) {
      spdlog::error("database: {}", detail);
    };
    GH_ASSIGN_OR_RETURN(auto postgres, store::PostgresStore::Open(url, options));
    return std::unique_ptr<store::Store>(std::move(postgres));
  }
  return InvalidArgument("DATABASE: expected sqlite://<path> or postgres://…");
}

}  // namespace gatehouse::app
