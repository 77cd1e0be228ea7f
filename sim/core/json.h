// JSON string literals (RFC 8259 escaping), for the report and the JSON Lines log.
#ifndef SCXTWIN_SIM_CORE_JSON_H_
#define SCXTWIN_SIM_CORE_JSON_H_

#include <cstdio>
#include <string>

#include "absl/strings/string_view.h"

namespace scxtwin::sim {

// `s` as a quoted JSON string: quotes, backslashes and control characters escaped; other bytes
// (UTF-8 included) as they are.
inline std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += "\"";
  return out;
}

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_CORE_JSON_H_
