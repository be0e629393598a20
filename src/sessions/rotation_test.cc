#include "sessions/rotation.h"

#include <gtest/gtest.h>

namespace gatehouse::sessions {
namespace {

using store::RefreshState;
using store::RefreshTokenRecord;

constexpr std::int64_t kPromotedAt = 1'000'000;
const Millis kGrace = std::chrono::seconds(30);

store::SessionRecord SessionWithCommitted(const std::string& hash) {
  return {.handle = "s", .refresh_hash = hash, .refresh_promoted_at = kPromotedAt};
}

TEST(DecideRotation, EveryRowOfTheTable) {
  // Committed C (child of P0); pending children A (of C); sibling S (of P0, like C).
  const RefreshTokenRecord c{.hash = "C", .parent_hash = "P0", .state = RefreshState::kCommitted};
  const RefreshTokenRecord a{.hash = "A", .parent_hash = "C", .state = RefreshState::kPending};
  const RefreshTokenRecord s{.hash = "S", .parent_hash = "P0", .state = RefreshState::kPending};
  const RefreshTokenRecord p0{.hash = "P0", .state = RefreshState::kSuperseded};
  const RefreshTokenRecord old_pending{
      .hash = "X", .parent_hash = "OLD", .state = RefreshState::kPending};
  const auto session = SessionWithCommitted("C");

  EXPECT_EQ(DecideRotation(c, session, &c, kPromotedAt + 99'999'999, kGrace),
            Rotation::kUseCommitted);
  EXPECT_EQ(DecideRotation(a, session, &c, kPromotedAt, kGrace), Rotation::kPromote);
  EXPECT_EQ(DecideRotation(s, session, &c, kPromotedAt + 30'000, kGrace), Rotation::kSibling);
  EXPECT_EQ(DecideRotation(s, session, &c, kPromotedAt + 30'001, kGrace), Rotation::kTheft);
  EXPECT_EQ(DecideRotation(p0, session, &c, kPromotedAt, kGrace), Rotation::kTheft);
  EXPECT_EQ(DecideRotation(old_pending, session, &c, kPromotedAt, kGrace), Rotation::kTheft);
  // The first committed token has no parent: nothing is its sibling.
  const RefreshTokenRecord first{.hash = "F", .state = RefreshState::kCommitted};
  const RefreshTokenRecord orphan{.hash = "O", .state = RefreshState::kPending};
  EXPECT_EQ(DecideRotation(orphan, SessionWithCommitted("F"), &first, kPromotedAt, kGrace),
            Rotation::kTheft);
}

}  // namespace
}  // namespace gatehouse::sessions
