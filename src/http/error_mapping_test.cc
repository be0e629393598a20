#include "http/error_mapping.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "http/reasons.h"
#include "http/response.h"

namespace gatehouse::http {
namespace {

struct Case {
  Error error;
  int status;
  std::string_view code;
};

TEST(MapErrorTest, FollowsTheApiTable) {
  const Case cases[] = {
      {InvalidArgument("x"), 400, "bad_request"},
      {Unauthenticated("x"), 401, "unauthorised"},
      {PermissionDenied("x"), 403, "forbidden"},
      {NotFound("x"), 404, "not_found"},
      {AlreadyExists("x"), 409, "conflict"},
      {FailedPrecondition("x"), 409, "conflict"},
      {ResourceExhausted("x"), 429, "rate_limited"},
      {Unavailable("x"), 503, "unavailable"},
      {Internal("x"), 500, "internal"},
      {Unauthenticated("x", reason::kTryRefreshToken), 401, "try_refresh_token"},
      {Unauthenticated("x", reason::kTokenTheftDetected), 401, "token_theft_detected"},
      {Error(ErrorCode::kInvalidArgument, "x", reason::kPayloadTooLarge), 413, "payload_too_large"},
      {Error(ErrorCode::kInvalidArgument, "x", reason::kUnsupportedMediaType), 415,
       "unsupported_media_type"},
      {FailedPrecondition("x", reason::kUserBanned), 423, "user_banned"},
      {Error(ErrorCode::kInvalidArgument, "x", kReasonMethodNotAllowed), 405, "method_not_allowed"},
      {Error(ErrorCode::kInvalidArgument, "x", kReasonHeaderFieldsTooLarge), 431,
       "request_header_fields_too_large"},
  };
  for (const Case& c : cases) {
    HttpError mapped = MapError(c.error);
    EXPECT_EQ(mapped.status, c.status) << c.code;
    EXPECT_EQ(mapped.code, c.code);
  }
}

TEST(MapErrorTest, UnknownReasonRefinesCodeKeepingStatus) {
  HttpError mapped = MapError(Unauthenticated("x", "invalid_api_key"));
  EXPECT_EQ(mapped.status, 401);
  EXPECT_EQ(mapped.code, "invalid_api_key");
}

TEST(MapErrorTest, InternalIgnoresReason) {
  HttpError mapped = MapError(Error(ErrorCode::kInternal, "x", reason::kUserBanned));
  EXPECT_EQ(mapped.status, 500);
  EXPECT_EQ(mapped.code, "internal");
}

TEST(ErrorResponseTest, BodyHasCodeMessageAndFields) {
  Error error = Unauthenticated("refresh token reused", reason::kTokenTheftDetected);
  error.WithField("session_handle", "h1").WithField("user_id", "u1").WithField("error", "spoof");
  Response response = ErrorResponse(error);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(boost::json::parse(response.body),
            boost::json::parse(R"({"error":"token_theft_detected","message":"refresh token reused",
                                   "session_handle":"h1","user_id":"u1"})"));
}

TEST(ErrorResponseTest, InternalErrorsHideDetails) {
  Error error = Internal("sqlite: disk I/O error at /var/lib/gatehouse.db");
  error.WithField("path", "/var/lib/gatehouse.db");
  Response response = ErrorResponse(error);
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(boost::json::parse(response.body),
            boost::json::parse(R"({"error":"internal","message":"internal error"})"));
}

TEST(JsonResponseTest, SerializesBody) {
  Response response = JsonResponse(201, boost::json::object{{"ok", true}});
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, R"({"ok":true})");
  EXPECT_EQ(TextResponse(200, "hi").content_type, "text/plain");
}

}  // namespace
}  // namespace gatehouse::http
