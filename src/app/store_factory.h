#pragma once
// Opens the Store named by a DATABASE URL: `sqlite://<path>` (the embedded default) or
// `postgres://…` / `postgresql://…` (libpq's URI: many instances may share the database).

#include <memory>
#include <string>

#include "common/result.h"
#include "store/store.h"

namespace gatehouse::app {

Result<std::unique_ptr<store::Store>> OpenStore(const std::string& url);

}  // namespace gatehouse::app
