#include "store/sql/sql.h"

namespace gatehouse::store::sql {

Status Statement::Run() {
  while (true) {
    GH_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return OkStatus();
  }
}

Status Statement::RunLater(std::string_view unchanged) {
  GH_RETURN_IF_ERROR(Run());
  if (!unchanged.empty() && Changes() == 0) return NotFound(std::string(unchanged));
  return OkStatus();
}

Result<std::optional<std::int64_t>> Statement::FirstInt() {
  GH_ASSIGN_OR_RETURN(bool row, Step());
  const std::optional<std::int64_t> value = row ? std::optional(Int(0)) : std::nullopt;
  Reset();
  return value;
}

Status Run(Connection& db, std::string_view sql) {
  GH_ASSIGN_OR_RETURN(Statement * stmt, db.Prepare(sql));
  Status s = stmt->Run();
  stmt->Reset();
  return s;
}

Status RunLater(Connection& db, std::string_view sql) {
  GH_ASSIGN_OR_RETURN(Statement * stmt, db.Prepare(sql));
  Status s = stmt->RunLater();
  stmt->Reset();
  return s;
}

}  // namespace gatehouse::store::sql
