#pragma once
// AccessClaims: what a verified access token says, immutable, in one block of memory.
//
// The claims, the token's text and its decoded payload sit in a single allocation together with
// the shared_ptr's control block, so a verified-token-cache hit (compare the token, check exp,
// take a reference, read the memo) and the answer built from it (ids, roles, AllJson) read
// consecutive cache lines of one block: at a million live tokens that is one trip to memory
// instead of one per string (docs/benchmarks.md "Many live tokens").
//
//   auto claims = AccessClaims::Make({.user_id = "u1", .session_handle = "s1", .token = text});
//   claims->user_id;  // a view into the block; valid while `claims` is held
//
// Thread-safety: immutable once made (the memo is atomic); share it freely.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::tokens {

// A per-token memo for verifiers: the revocation-state generation at which this token was last
// found valid (0: never).
struct VerdictMemo {
  mutable std::atomic<std::uint64_t> valid_at_generation{0};
};

class AccessClaims {
 public:
  // The parts to copy into the block; views only need to live for the Make call.
  struct Parts {
    std::string_view kid;
    std::string_view user_id;         // sub
    std::string_view session_handle;  // sid
    std::int64_t issued_at_s = 0;
    std::int64_t expires_at_s = 0;
    std::int64_t version = 0;  // ver
    std::vector<std::string_view> roles;
    std::string_view token;     // the token itself, as verified
    std::string_view all_json;  // its payload segment, decoded
  };
  static std::shared_ptr<const AccessClaims> Make(const Parts& parts);

  // The block: [control block | these fields | token | payload | kid, sub, sid, role names |
  // role views]; the shared_ptr's control block (counts, pointer, allocator) takes 32 bytes in
  // libstdc++ and 40 in libc++.
  static constexpr std::size_t kControlBytes = 48;

  // Asks the CPU for the block's memory that a cache hit and its answer read (the control
  // block, these fields, a token of `token_size` characters, the payload after it) without
  // waiting for it, so the lines arrive together rather than one miss after another. Reads
  // nothing itself: call it as soon as the block's address is known.
  void Prefetch(std::size_t token_size) const;

  std::string_view kid;
  std::string_view user_id;
  std::string_view session_handle;
  std::int64_t issued_at_s = 0;
  std::int64_t expires_at_s = 0;
  std::int64_t version = 0;
  std::span<const std::string_view> roles;
  std::string_view token;  // the verified-token cache compares it

  std::vector<std::string> RoleList() const { return {roles.begin(), roles.end()}; }

  // Every claim, as signed: the token's payload segment decoded (JSON our issuer wrote and the
  // verifier parsed strictly, so answers can embed it as is). Decoded once, at verification.
  std::string_view AllJson() const { return all_json_; }
  VerdictMemo memo;

  AccessClaims(const AccessClaims&) = delete;
  AccessClaims& operator=(const AccessClaims&) = delete;

 private:
  AccessClaims() = default;
  std::string_view all_json_;
};

inline void AccessClaims::Prefetch(std::size_t token_size) const {
  constexpr std::uintptr_t kLine = 64;
  // Addresses as numbers: a prefetch never faults, and no pointer leaves the block. The payload
  // decoded is three quarters of its segment; kid, sub and sid follow it.
  const auto start = reinterpret_cast<std::uintptr_t>(this);
  const std::uintptr_t end = start + sizeof(AccessClaims) + 2 * token_size;
  for (std::uintptr_t at = start - kControlBytes; at < end; at += kLine) {
    __builtin_prefetch(reinterpret_cast<const void*>(at));
  }
}

}  // namespace gatehouse::tokens
