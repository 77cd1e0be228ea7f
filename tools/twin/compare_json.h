// Just enough JSON to read the workload runner's report back on the host: objects, arrays,
// numbers, strings, true/false/null.
#ifndef SCXTWIN_TOOLS_TWIN_COMPARE_JSON_H_
#define SCXTWIN_TOOLS_TWIN_COMPARE_JSON_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace scxtwin::twin {

struct JsonValue {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = kNull;
  double number = 0;
  bool boolean = false;
  std::string str;
  std::vector<JsonValue> items;
  std::map<std::string, JsonValue> fields;

  // The member `key` of an object (a null value when absent), so lookups chain.
  const JsonValue& operator[](const std::string& key) const;
};

absl::StatusOr<JsonValue> ParseJson(absl::string_view text);

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_COMPARE_JSON_H_
