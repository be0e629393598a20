#include "client/sse.h"

namespace gatehouse::client {

std::vector<SseEvent> SseParser::Feed(std::string_view bytes) {
  std::vector<SseEvent> out;
  if (failed_) return out;
  partial_.append(bytes);
  std::size_t start = 0;
  while (true) {
    const std::size_t end = partial_.find('\n', start);
    if (end == std::string::npos) break;
    std::string_view line(partial_.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Line(line, out);
    start = end + 1;
  }
  partial_.erase(0, start);
  if (partial_.size() > kMaxLine) failed_ = true;
  return out;
}

void SseParser::Line(std::string_view line, std::vector<SseEvent>& out) {
  if (line.empty()) {
    if (has_data_ || !building_.type.empty()) out.push_back(std::move(building_));
    building_ = {};
    has_data_ = false;
    return;
  }
  if (line.front() == ':') {
    ++comments_;
    return;
  }
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) building_.data += '\n';
    building_.data.append(value);
    has_data_ = true;
  } else if (field == "id") {
    building_.id = std::string(value);
  } else if (field == "event") {
    building_.type = std::string(value);
  }  // retry and unknown fields: ignored, as the format says
}

}  // namespace gatehouse::client
