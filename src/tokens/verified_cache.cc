#include "tokens/verified_cache.h"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <new>
#include <utility>

#include "common/mutex.h"

namespace gatehouse::tokens {
namespace {

struct Slot {
  std::uint64_t hash = 0;
  std::int64_t drop_at_ms = 0;
  std::shared_ptr<const AccessClaims> claims;  // null: the slot is empty
  std::uint32_t token_size = 0;  // claims->token.size(), known before the block is read
  mutable std::atomic<bool> referenced{false};

  void TakeFrom(Slot& other) {
    hash = other.hash;
    drop_at_ms = other.drop_at_ms;
    token_size = other.token_size;
    claims = std::move(other.claims);
    referenced.store(other.referenced.load(std::memory_order_relaxed), std::memory_order_relaxed);
  }
};

// `n` (a power of two) empty slots. An array that spans huge pages is aligned to them and
// advised onto them before its memory is first touched: a table of a million slots then costs
// the TLB a few entries, not thousands.
class SlotArray {
 public:
  explicit SlotArray(std::size_t n) : n_(n) {
    const std::size_t bytes = n * sizeof(Slot);
    const bool huge = bytes >= kHugePage / 2;  // then whole huge pages: at most twice the need
    const std::size_t align = huge ? kHugePage : alignof(std::max_align_t);
    const std::size_t mapped = (bytes + align - 1) / align * align;
    slots_ = static_cast<Slot*>(std::aligned_alloc(align, mapped));
    if (slots_ == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    if (huge) (void)madvise(slots_, mapped, MADV_HUGEPAGE);  // advice only
#endif
    for (std::size_t i = 0; i < n_; ++i) new (slots_ + i) Slot();
  }
  ~SlotArray() {
    for (std::size_t i = 0; i < n_; ++i) slots_[i].~Slot();
    std::free(slots_);
  }
  SlotArray(const SlotArray&) = delete;
  SlotArray& operator=(const SlotArray&) = delete;

  Slot& operator[](std::size_t i) const { return slots_[i]; }
  std::size_t size() const { return n_; }

 private:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  std::size_t n_;
  Slot* slots_ = nullptr;
};

constexpr std::size_t kFirstSlots = 64;

}  // namespace

// One shard: a linear-probing table kept at most half full, and the CLOCK hand over it.
class VerifiedTokenCache::Shard {
 public:
  void Configure(std::size_t max_entries) {
    max_entries_ = max_entries;
    max_slots_ = std::bit_ceil(2 * max_entries);
    MutexLock lock(mu_);
    Reset();
  }

  std::shared_ptr<const AccessClaims> Find(std::uint64_t hash, std::string_view token,
                                           std::int64_t now_ms) const {
    ReaderLock lock(mu_);
    const Slot* slot = Lookup(hash);
    if (slot == nullptr || slot->token_size != token.size()) return nullptr;
    const AccessClaims& claims = *slot->claims;
    claims.Prefetch(slot->token_size);
    if (slot->drop_at_ms < now_ms || claims.token != token) return nullptr;
    if (!slot->referenced.load(std::memory_order_relaxed)) {
      slot->referenced.store(true, std::memory_order_relaxed);
    }
    return slot->claims;
  }

  void Insert(std::uint64_t hash, std::shared_ptr<const AccessClaims> claims,
              std::int64_t drop_at_ms, std::int64_t now_ms) {
    MutexLock lock(mu_);
    std::size_t at = Probe(hash);
    if ((*slots_)[at].claims == nullptr) {  // else the same token again, or a colliding one
      if (size_ >= max_entries_) {
        EvictOne(now_ms);
      } else if (2 * (size_ + 1) > slots_->size() && slots_->size() < max_slots_) {
        Grow();
      }
      at = Probe(hash);
      ++size_;
    }
    Slot& slot = (*slots_)[at];
    slot.hash = hash;
    slot.drop_at_ms = drop_at_ms;
    slot.token_size = static_cast<std::uint32_t>(claims->token.size());
    slot.claims = std::move(claims);
    slot.referenced.store(false, std::memory_order_relaxed);
  }

  std::size_t EvictExpired(std::int64_t now_ms) {
    MutexLock lock(mu_);
    std::size_t evicted = 0;
    for (std::size_t at = 0; at < slots_->size();) {
      const Slot& slot = (*slots_)[at];
      if (slot.claims != nullptr && slot.drop_at_ms < now_ms) {
        Erase(at);  // may pull a later entry into `at`: look at it again
        ++evicted;
      } else {
        ++at;
      }
    }
    return evicted;
  }

  void Clear() {
    MutexLock lock(mu_);
    Reset();
  }

  std::size_t size() const {
    ReaderLock lock(mu_);
    return size_;
  }

 private:
  std::size_t Mask() const REQUIRES_SHARED(mu_) { return slots_->size() - 1; }

  // The slot holding `hash`, or null.
  const Slot* Lookup(std::uint64_t hash) const REQUIRES_SHARED(mu_) {
    const Slot& slot = (*slots_)[Probe(hash)];
    return slot.claims != nullptr ? &slot : nullptr;
  }
  // Where `hash` is, or the empty slot that ends its run (the table always has one).
  std::size_t Probe(std::uint64_t hash) const REQUIRES_SHARED(mu_) {
    std::size_t at = hash & Mask();
    while ((*slots_)[at].claims != nullptr && (*slots_)[at].hash != hash) at = (at + 1) & Mask();
    return at;
  }

  // Empties `at` and moves later entries of the run back so that every lookup still finds them
  // (linear probing's deletion without tombstones).
  void Erase(std::size_t at) REQUIRES(mu_) {
    (*slots_)[at].claims.reset();
    --size_;
    for (std::size_t next = (at + 1) & Mask();; next = (next + 1) & Mask()) {
      Slot& later = (*slots_)[next];
      if (later.claims == nullptr) return;
      const std::size_t home = later.hash & Mask();
      // `later` may move to `at` unless its home lies in (at, next] (cyclically).
      const bool home_between =
          at <= next ? (at < home && home <= next) : (at < home || home <= next);
      if (!home_between) {
        (*slots_)[at].TakeFrom(later);
        at = next;
      }
    }
  }

  // CLOCK: one revolution clears every mark, so this ends within two.
  void EvictOne(std::int64_t now_ms) REQUIRES(mu_) {
    for (;;) {
      const std::size_t at = hand_;
      hand_ = (hand_ + 1) & Mask();
      const Slot& slot = (*slots_)[at];
      if (slot.claims == nullptr) continue;
      if (slot.drop_at_ms < now_ms || !slot.referenced.exchange(false, std::memory_order_relaxed)) {
        Erase(at);
        return;
      }
    }
  }

  void Grow() REQUIRES(mu_) {
    auto bigger = std::make_unique<SlotArray>(2 * slots_->size());
    const std::size_t mask = bigger->size() - 1;
    for (std::size_t i = 0; i < slots_->size(); ++i) {
      Slot& old = (*slots_)[i];
      if (old.claims == nullptr) continue;
      std::size_t at = old.hash & mask;
      while ((*bigger)[at].claims != nullptr) at = (at + 1) & mask;
      (*bigger)[at].TakeFrom(old);
    }
    slots_ = std::move(bigger);
    hand_ = 0;
  }

  void Reset() REQUIRES(mu_) {
    slots_ = std::make_unique<SlotArray>(std::min(kFirstSlots, max_slots_));
    size_ = 0;
    hand_ = 0;
  }

  std::size_t max_entries_ = 0;  // set once, before any use
  std::size_t max_slots_ = 0;
  mutable Mutex mu_;
  std::unique_ptr<SlotArray> slots_ GUARDED_BY(mu_);
  std::size_t size_ GUARDED_BY(mu_) = 0;
  std::size_t hand_ GUARDED_BY(mu_) = 0;
};

VerifiedTokenCache::VerifiedTokenCache(std::size_t max_entries)
    : per_shard_max_(std::max<std::size_t>(1, (max_entries + kShards - 1) / kShards)),
      shards_(std::make_unique<Shard[]>(kShards)) {
  for (std::size_t i = 0; i < kShards; ++i) shards_[i].Configure(per_shard_max_);
}

VerifiedTokenCache::~VerifiedTokenCache() = default;

// The last 64 characters: the signature's, distinct for every token (lookups compare the whole
// token anyway), so a hit hashes a fifth of a typical token.
std::uint64_t VerifiedTokenCache::Hash(std::string_view token) {
  constexpr std::size_t kTail = 64;
  return std::hash<std::string_view>{}(token.size() > kTail ? token.substr(token.size() - kTail)
                                                            : token);
}

// The top bits pick the shard; the low bits, the slot within it.
VerifiedTokenCache::Shard& VerifiedTokenCache::ShardFor(std::uint64_t hash) const {
  static_assert(kShards == 16, "the top four bits");
  return shards_[hash >> 60];
}

std::shared_ptr<const AccessClaims> VerifiedTokenCache::Find(std::string_view token,
                                                             SystemTime now) const {
  const std::uint64_t hash = Hash(token);
  return ShardFor(hash).Find(hash, token, ToUnixMillis(now));
}

void VerifiedTokenCache::Insert(std::shared_ptr<const AccessClaims> claims, SystemTime drop_at,
                                SystemTime now) {
  const std::uint64_t hash = Hash(claims->token);
  ShardFor(hash).Insert(hash, std::move(claims), ToUnixMillis(drop_at), ToUnixMillis(now));
}

std::size_t VerifiedTokenCache::EvictExpired(SystemTime now) {
  std::size_t evicted = 0;
  for (std::size_t i = 0; i < kShards; ++i) evicted += shards_[i].EvictExpired(ToUnixMillis(now));
  return evicted;
}

void VerifiedTokenCache::Clear() {
  for (std::size_t i = 0; i < kShards; ++i) shards_[i].Clear();
}

std::size_t VerifiedTokenCache::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < kShards; ++i) n += shards_[i].size();
  return n;
}

}  // namespace gatehouse::tokens
