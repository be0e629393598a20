#include "client/sse.h"

#include <gtest/gtest.h>

namespace gatehouse::client {
namespace {

TEST(SseParser, EventsSplitAcrossChunksAndCommentsCounted) {
  SseParser p;
  const std::string text =
      "retry: 1000\n\n: heartbeat\n\nid: 7\nevent: session_revoked\ndata: {\"seq\":7}\n\n"
      "id: 8\r\nevent: resync\r\ndata: a\r\ndata: b\r\n\r\n";
  std::vector<SseEvent> all;
  for (std::size_t i = 0; i < text.size(); i += 3) {  // three bytes at a time
    for (auto& e : p.Feed(std::string_view(text).substr(i, 3))) all.push_back(std::move(e));
  }
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "7");
  EXPECT_EQ(all[0].type, "session_revoked");
  EXPECT_EQ(all[0].data, "{\"seq\":7}");
  EXPECT_EQ(all[1].type, "resync");
  EXPECT_EQ(all[1].data, "a\nb");
  EXPECT_EQ(p.comments(), 1u);
  EXPECT_FALSE(p.Failed());
}

TEST(SseParser, AnEndlessLineFailsInsteadOfGrowing) {
  SseParser p;
  const std::string chunk(16 << 20, 'x');
  for (int i = 0; i < 17; ++i) EXPECT_TRUE(p.Feed(chunk).empty());
  EXPECT_TRUE(p.Failed());
  EXPECT_TRUE(p.Feed("\n\n").empty());
}

}  // namespace
}  // namespace gatehouse::client
