#include "store/postgres/pg_connection.h"

#include <cctype>
#include <cstring>

namespace gatehouse::store {
namespace {

// Type OIDs of the binary results we read (pg_type.dat).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;

std::int64_t BigEndian(const char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  // Sign-extend from n bytes.
  const int shift = 64 - 8 * n;
  return static_cast<std::int64_t>(v << shift) >> shift;
}

// libpq's parallel arrays for a statement's parameters.
struct Wire {
  explicit Wire(const std::vector<PgParam>& params)
      : values(params.size()), lengths(params.size()), formats(params.size()) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      values[i] = params[i].value ? params[i].value->data() : nullptr;
      lengths[i] = params[i].value ? static_cast<int>(params[i].value->size()) : 0;
      formats[i] = params[i].format;
    }
  }
  int size() const { return static_cast<int>(values.size()); }
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
};

bool Succeeded(const PGresult* res) {
  const ExecStatusType status = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  return status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK;
}

std::int64_t ChangedRows(const PGresult* res) {
  const char* affected = PQcmdTuples(const_cast<PGresult*>(res));
  return (affected != nullptr && *affected != '\0') ? std::strtoll(affected, nullptr, 10) : 0;
}

}  // namespace

PgStatement& PgStatement::Set(int index, std::optional<std::string> value, int format) {
  const auto at = static_cast<std::size_t>(index - 1);
  if (params_.size() <= at) params_.resize(at + 1);
  params_[at] = {std::move(value), format};
  return *this;
}

PgStatement& PgStatement::Bind(int index, std::int64_t value) {
  return Set(index, std::to_string(value), 0);
}

PgStatement& PgStatement::Bind(int index, std::string_view text) {
  return Set(index, std::string(text), 1);
}

PgStatement& PgStatement::BindBlob(int index, std::string_view bytes) {
  return Set(index, std::string(bytes), 1);
}

PgStatement& PgStatement::BindNull(int index) { return Set(index, std::nullopt, 0); }

Result<bool> PgStatement::Step() {
  if (result_ == nullptr) {
    GH_ASSIGN_OR_RETURN(result_, db_.Execute(name_, params_));
    changes_ = ChangedRows(result_.get());
    row_ = -1;
  }
  ++row_;
  return row_ < PQntuples(result_.get());
}

Status PgStatement::RunLater(std::string_view unchanged) {
  return db_.Send(name_, params_, unchanged);
}

void PgStatement::Reset() {
  params_.clear();
  result_.reset();
  row_ = -1;
}

std::int64_t PgStatement::Int(int column) const {
  if (IsNull(column)) return 0;
  const char* p = PQgetvalue(result_.get(), row_, column);
  const int n = PQgetlength(result_.get(), row_, column);
  switch (PQftype(result_.get(), column)) {
    case kBoolOid:
      return n > 0 && p[0] != 0 ? 1 : 0;
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
      return BigEndian(p, n);
    default:
      return 0;  // not an integer column: a bug in the query, found by the contract suite
  }
}

std::string PgStatement::Text(int column) const {
  if (IsNull(column)) return {};
  return {PQgetvalue(result_.get(), row_, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row_, column))};
}

bool PgStatement::IsNull(int column) const {
  return result_ == nullptr || row_ < 0 || row_ >= PQntuples(result_.get()) ||
         PQgetisnull(result_.get(), row_, column) != 0;
}

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url) {
  // A server that does not answer must not hold a worker for ever: 5 s unless the URL says.
  std::string target = url;
  if (target.find("connect_timeout") == std::string::npos &&
      target.find("://") != std::string::npos) {
    target += (target.find('?') == std::string::npos ? "?" : "&");
    target += "connect_timeout=5";
  }
  std::unique_ptr<PgConnection> db(new PgConnection(PQconnectdb(target.c_str())));  // NOLINT
  if (db->conn_ == nullptr) return Unavailable("postgres: out of memory");
  if (PQstatus(db->conn_.get()) != CONNECTION_OK) {
    // libpq's message names the host and the reason, never the password.
    return Unavailable(std::string("postgres: cannot connect: ") + PQerrorMessage(db->conn_.get()));
  }
  // Times and text as this process sends them; no notices on stderr.
  PQsetNoticeProcessor(
      db->conn_.get(), [](void*, const char*) {}, nullptr);
  GH_RETURN_IF_ERROR(db->Exec("SET client_encoding = 'UTF8'"));
  return db;
}

Result<sql::Statement*> PgConnection::Prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  std::string name = "gh" + std::to_string(statements_.size());
  const std::string text(sql);
  if (sent_.empty()) {
    PgResult res(PQprepare(conn_.get(), name.c_str(), text.c_str(), 0, nullptr));
    if (!Succeeded(res.get())) return ErrorFrom(res.get());
  } else {
    // Inside a pipeline the preparation goes along with the statements around it.
    if (PQsendPrepare(conn_.get(), name.c_str(), text.c_str(), 0, nullptr) == 0) {
      poisoned_ = true;
      return ErrorFrom(nullptr);
    }
    sent_.emplace_back();
  }
  auto stmt = std::make_unique<PgStatement>(*this, std::move(name));
  PgStatement* out = stmt.get();
  statements_.emplace(std::string(sql), std::move(stmt));
  return out;
}

Status PgConnection::Exec(std::string_view sql) {
  Status drained = Drain();  // a simple query cannot join a pipeline
  PgResult res(PQexec(conn_.get(), std::string(sql).c_str()));
  if (!Succeeded(res.get())) return ErrorFrom(res.get());
  return drained;
}

Status PgConnection::EnterPipeline() {
  if (PQpipelineStatus(conn_.get()) == PQ_PIPELINE_ON) return OkStatus();
  if (PQenterPipelineMode(conn_.get()) == 1) return OkStatus();
  poisoned_ = true;
  return ErrorFrom(nullptr);
}

Status PgConnection::Send(const std::string& name, const std::vector<PgParam>& params,
                          std::string_view unchanged) {
  GH_RETURN_IF_ERROR(EnterPipeline());
  const Wire wire(params);
  if (PQsendQueryPrepared(conn_.get(), name.c_str(), wire.size(), wire.values.data(),
                          wire.lengths.data(), wire.formats.data(), /*binary=*/1) == 0) {
    poisoned_ = true;
    return ErrorFrom(nullptr);
  }
  sent_.emplace_back(unchanged);
  return OkStatus();
}

Result<PgResult> PgConnection::Execute(const std::string& name,
                                       const std::vector<PgParam>& params) {
  if (sent_.empty()) {
    const Wire wire(params);
    PgResult res(PQexecPrepared(conn_.get(), name.c_str(), wire.size(), wire.values.data(),
                                wire.lengths.data(), wire.formats.data(), /*binary=*/1));
    if (!Succeeded(res.get())) return ErrorFrom(res.get());
    return res;
  }
  GH_RETURN_IF_ERROR(Send(name, params, {}));
  PgResult last;
  GH_RETURN_IF_ERROR(Collect(&last));
  return last;
}

Status PgConnection::Drain() {
  if (sent_.empty()) return OkStatus();
  return Collect(nullptr);
}

Status PgConnection::Collect(PgResult* last) {
  PGconn* conn = conn_.get();
  std::vector<std::string> sent = std::move(sent_);
  sent_.clear();
  if (PQpipelineSync(conn) == 0) {
    poisoned_ = true;
    return ErrorFrom(nullptr);
  }
  Status first = OkStatus();
  const auto fail = [&first](Error e) {
    if (first) first = std::move(e);
  };
  // One result per statement, each followed by a null; then the sync's own result. Two nulls
  // in a row mean the connection is gone.
  std::size_t index = 0;
  bool after_null = false;
  while (true) {
    PgResult res(PQgetResult(conn));
    if (res == nullptr) {
      if (after_null) {
        poisoned_ = true;
        fail(ErrorFrom(nullptr));
        return first;
      }
      after_null = true;
      continue;
    }
    after_null = false;
    const ExecStatusType status = PQresultStatus(res.get());
    if (status == PGRES_PIPELINE_SYNC) break;
    const std::size_t at = index++;
    if (status == PGRES_PIPELINE_ABORTED) {
      fail(Unavailable("postgres: the pipeline was aborted"));  // after an earlier error
    } else if (!Succeeded(res.get())) {
      fail(ErrorFrom(res.get()));
    } else if (at < sent.size() && !sent[at].empty() && ChangedRows(res.get()) == 0) {
      fail(NotFound(sent[at]));
    }
    if (last != nullptr && at + 1 == sent.size()) *last = std::move(res);
  }
  if (index != sent.size()) fail(Unavailable("postgres: the pipeline lost results"));
  if (PQexitPipelineMode(conn) == 0) {
    poisoned_ = true;
    fail(ErrorFrom(nullptr));
  }
  return first;
}

void PgConnection::ResetAll() {
  for (auto& [sql, stmt] : statements_) stmt->Reset();
}

const sql::Dialect& PgConnection::dialect() const {
  static constexpr sql::Dialect kPostgres{
      .name = "postgres",
      .begin_write = "BEGIN",  // READ COMMITTED; rows a write changes are read FOR UPDATE
      .begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
      .lock_row = " FOR UPDATE",
      .migration_lock = "SELECT pg_advisory_xact_lock(7262846515)",
      .advance_audit_seq = "",
      .audit_seq = "nextval('audit_seq')",
      .schema_types = [](std::string_view ddl) {
        std::string out;
        out.reserve(ddl.size() + 64);
        auto word_at = [&](std::size_t i, std::string_view w) {
          const auto boundary = [&](std::size_t j) {
            return j >= ddl.size() ||
                   !(std::isalnum(static_cast<unsigned char>(ddl[j])) || ddl[j] == '_');
          };
          return ddl.substr(i, w.size()) == w && (i == 0 || boundary(i - 1)) &&
                 boundary(i + w.size());
        };
        for (std::size_t i = 0; i < ddl.size();) {
          if (word_at(i, "INTEGER")) {
            out += "BIGINT";
            i += 7;
          } else if (word_at(i, "BLOB")) {
            out += "BYTEA";
            i += 4;
          } else if (word_at(i, "TEXT")) {
            out += "TEXT COLLATE \"C\"";
            i += 4;
          } else {
            out += ddl[i++];
          }
        }
        return out;
      }};
  return kPostgres;
}

Error PgConnection::ErrorFrom(const PGresult* res) const {
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  // The primary message only: the detail can quote the row (an email address, a handle).
  std::string message = "postgres: ";
  const char* text = res != nullptr ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  message += (text != nullptr && *text != '\0') ? text : PQerrorMessage(conn_.get());
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  const std::string_view code = state != nullptr ? state : "";
  if (code.starts_with("23")) return AlreadyExists(message);
  if (code.starts_with("22")) return InvalidArgument(message);
  if (code == "40001" || code == "40P01") {
    return Error(ErrorCode::kUnavailable, message, kRetryReason);
  }
  return Unavailable(message);
}

}  // namespace gatehouse::store
