#pragma once
// RunCommand: runs a program (no shell) for a test and captures what it prints, e.g. curl or
// openssl as a real client, or the gatehouse binary itself for a start-up check.
//
//   CommandResult r = RunCommand({"curl", "-s", "https://127.0.0.1:" + port + "/healthz"});
//   EXPECT_EQ(r.exit_code, 0) << r.output;

#include <string>
#include <vector>

namespace gatehouse::testing {

struct CommandResult {
  int exit_code = -1;  // the exit status, or 128 + signal when killed by one
  std::string output;  // stdout and stderr, interleaved
};

// argv[0] is looked up in PATH. Waits for the program to end (give it its own timeout, such as
// curl's --max-time).
CommandResult RunCommand(const std::vector<std::string>& argv);

}  // namespace gatehouse::testing
