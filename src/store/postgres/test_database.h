#pragma once
// For tests: databases on the PostgreSQL server that scripts/with-postgres started
// (GATEHOUSE_TEST_POSTGRES). Each FreshTestDatabase is a new, empty database of its own, so test
// binaries that ctest runs side by side never share one; the server is removed at the end.

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <string>

#include "store/postgres/pg_connection.h"

namespace gatehouse::store {

// The server's URL, or nullopt when the tests run without one.
inline std::optional<std::string> TestPostgresUrl() {
  const char* url = std::getenv("GATEHOUSE_TEST_POSTGRES");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

// Creates an empty database and returns the URL of it (the server's URL with its name).
inline Result<std::string> FreshTestDatabase(const std::string& server_url) {
  static std::atomic<int> made{0};
  const std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(made++);
  GH_ASSIGN_OR_RETURN(auto db, PgConnection::Open(server_url));
  GH_RETURN_IF_ERROR(db->Exec("DROP DATABASE IF EXISTS " + name));
  GH_RETURN_IF_ERROR(db->Exec("CREATE DATABASE " + name));
  const std::size_t hosts = server_url.find("://");
  const std::size_t slash = server_url.find('/', hosts == std::string::npos ? 0 : hosts + 3);
  const std::size_t query = server_url.find('?');
  std::string url = server_url.substr(0, slash == std::string::npos ? query : slash) + "/" + name;
  if (query != std::string::npos) url += server_url.substr(query);
  return url;
}

}  // namespace gatehouse::store
