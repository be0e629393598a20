#include "tokens/access_claims.h"

#include <cstddef>
#include <cstring>
#include <new>

namespace gatehouse::tokens {
namespace {

// Gives the shared_ptr its control block inside the claims' own block (its first line), and
// frees the whole block when the control block goes.
template <typename T>
struct InBlock {
  using value_type = T;
  char* block;
  explicit InBlock(char* b) noexcept : block(b) {}
  template <typename U>
  InBlock(const InBlock<U>& other) noexcept : block(other.block) {}  // NOLINT: rebinding
  T* allocate(std::size_t n) {
    static_assert(
        sizeof(T) <= AccessClaims::kControlBytes && alignof(T) <= alignof(std::max_align_t),
        "the control block fits its place");
    if (n != 1) throw std::bad_alloc();
    return reinterpret_cast<T*>(block);
  }
  void deallocate(T*, std::size_t) noexcept { ::operator delete(block); }
  template <typename U>
  bool operator==(const InBlock<U>& other) const noexcept {
    return block == other.block;
  }
};

struct Destroy {
  void operator()(const AccessClaims* claims) const noexcept { claims->~AccessClaims(); }
};

}  // namespace

std::shared_ptr<const AccessClaims> AccessClaims::Make(const Parts& parts) {
  std::size_t chars = parts.token.size() + parts.all_json.size() + parts.kid.size() +
                      parts.user_id.size() + parts.session_handle.size();
  for (std::string_view role : parts.roles) chars += role.size();
  constexpr std::size_t kViewAlign = alignof(std::string_view);
  const std::size_t text_at = kControlBytes + sizeof(AccessClaims);
  const std::size_t views_at = (text_at + chars + kViewAlign - 1) / kViewAlign * kViewAlign;
  const std::size_t bytes = views_at + parts.roles.size() * sizeof(std::string_view);

  char* block = static_cast<char*>(::operator new(bytes));
  auto* claims = new (block + kControlBytes) AccessClaims();
  char* text = block + text_at;
  const auto copy = [&text](std::string_view from) {
    if (!from.empty()) std::memcpy(text, from.data(), from.size());
    const std::string_view into(text, from.size());
    text += from.size();
    return into;
  };
  claims->token = copy(parts.token);  // first: Prefetch knows where it is
  claims->all_json_ = copy(parts.all_json);
  claims->kid = copy(parts.kid);
  claims->user_id = copy(parts.user_id);
  claims->session_handle = copy(parts.session_handle);
  auto* views = reinterpret_cast<std::string_view*>(block + views_at);
  for (std::size_t i = 0; i < parts.roles.size(); ++i) {
    new (views + i) std::string_view(copy(parts.roles[i]));
  }
  claims->roles = std::span<const std::string_view>(views, parts.roles.size());
  claims->issued_at_s = parts.issued_at_s;
  claims->expires_at_s = parts.expires_at_s;
  claims->version = parts.version;
  return std::shared_ptr<const AccessClaims>(claims, Destroy{}, InBlock<AccessClaims>(block));
}

}  // namespace gatehouse::tokens
