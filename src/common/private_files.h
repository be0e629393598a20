#pragma once
// Files and directories that hold secrets (the master key, API key, the database with password
// hashes, emails and audit) are private to the owner: directories 0700, files 0600.
//
//   GH_RETURN_IF_ERROR(MakePrivateDirectories(config.data_dir));
//
// Thread-safety: stateless functions.

#include <string>

#include "common/result.h"

namespace gatehouse {

// Creates `path` and any missing parents, each new one 0700. Existing directories are left as
// they are (the operator's choice). kFailedPrecondition when it cannot.
Status MakePrivateDirectories(const std::string& path);

// Creates `path` as an empty 0600 file if it does not exist, or narrows an existing file that
// other users can read to 0600.
Status MakePrivateFile(const std::string& path);

}  // namespace gatehouse
