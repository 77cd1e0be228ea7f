#include "tools/trace2workload/ftrace_reader.h"

#include <zlib.h>

#include <cctype>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"

namespace scxtwin::trace2workload {
namespace {

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("expected an ftrace line 'COMM-PID [CPU] FLAGS SECONDS.FRACTION: EVENT: "
                   "FIELDS', ",
                   what));
}

// Finds `key` (like "pid=") at the start of a field: at the start of `fields` or after a space,
// so "pid=" does not match inside "prev_pid=".
size_t FindKey(absl::string_view fields, absl::string_view key) {
  size_t from = 0;
  while (true) {
    size_t p = fields.find(key, from);
    if (p == absl::string_view::npos || p == 0 || fields[p - 1] == ' ') return p;
    from = p + 1;
  }
}

// A numeric field: the digits after `key` up to the next space.
absl::Status IntField(absl::string_view fields, absl::string_view key, int* out) {
  size_t p = FindKey(fields, key);
  if (p == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("missing field '", key, "'"));
  }
  absl::string_view rest = fields.substr(p + key.size());
  absl::string_view value = rest.substr(0, rest.find(' '));
  if (!absl::SimpleAtoi(value, out)) {
    return absl::InvalidArgumentError(
        absl::StrCat("field '", key, "' is '", value, "', expected an integer"));
  }
  return absl::OkStatus();
}

// A text field that may hold spaces (a comm, a file name): everything after `key` up to the
// field that is known to follow it (`next_key`, found at a token start), or to the next space
// when `next_key` is empty.
absl::Status TextField(absl::string_view fields, absl::string_view key, absl::string_view next_key,
                       std::string* out) {
  size_t p = FindKey(fields, key);
  if (p == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("missing field '", key, "'"));
  }
  absl::string_view rest = fields.substr(p + key.size());
  size_t end = next_key.empty() ? rest.find(' ') : FindKey(rest, next_key);
  if (!next_key.empty() && end == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("field '", key, "' is not followed by '", next_key, "'"));
  }
  *out = std::string(absl::StripTrailingAsciiWhitespace(rest.substr(0, end)));
  return absl::OkStatus();
}

// "425.077827" (any number of fraction digits) as nanoseconds, without floating point.
bool ParseSeconds(absl::string_view text, int64_t* ns) {
  size_t dot = text.find('.');
  absl::string_view whole = text.substr(0, dot);
  absl::string_view frac = dot == absl::string_view::npos ? "" : text.substr(dot + 1);
  int64_t seconds = 0;
  // Seconds beyond what int64 nanoseconds hold (~292 years) are not a trace's.
  constexpr int64_t kMaxSeconds = INT64_MAX / 1000000000 - 1;
  if (!absl::SimpleAtoi(whole, &seconds) || seconds < 0 || seconds > kMaxSeconds || frac.size() > 9)
    return false;
  int64_t fraction = 0;
  for (int i = 0; i < 9; ++i) {
    char c = i < static_cast<int>(frac.size()) ? frac[i] : '0';
    if (!absl::ascii_isdigit(c)) return false;
    fraction = fraction * 10 + (c - '0');
  }
  *ns = seconds * 1000000000 + fraction;
  return true;
}

EventType TypeOf(absl::string_view name) {
  if (name == "sched_switch") return EventType::kSwitch;
  if (name == "sched_wakeup") return EventType::kWakeup;
  if (name == "sched_waking") return EventType::kWaking;
  if (name == "sched_wakeup_new") return EventType::kWakeupNew;
  if (name == "sched_process_fork") return EventType::kFork;
  if (name == "sched_process_exec") return EventType::kExec;
  if (name == "sched_process_exit") return EventType::kExit;
  return EventType::kOther;
}

absl::Status ParseFields(absl::string_view fields, FtraceEvent* e) {
  switch (e->type) {
    case EventType::kSwitch: {
      std::string prev_comm;
      SCX_RETURN_IF_ERROR(TextField(fields, "prev_comm=", "prev_pid=", &prev_comm));
      SCX_RETURN_IF_ERROR(IntField(fields, "prev_pid=", &e->prev_pid));
      SCX_RETURN_IF_ERROR(TextField(fields, "prev_state=", "", &e->prev_state));
      SCX_RETURN_IF_ERROR(TextField(fields, "next_comm=", "next_pid=", &e->next_comm));
      return IntField(fields, "next_pid=", &e->next_pid);
    }
    case EventType::kWakeup:
    case EventType::kWaking:
    case EventType::kWakeupNew:
    case EventType::kExit:
      SCX_RETURN_IF_ERROR(TextField(fields, "comm=", "pid=", &e->target_comm));
      return IntField(fields, "pid=", &e->target_pid);
    case EventType::kFork:
      SCX_RETURN_IF_ERROR(IntField(fields, "pid=", &e->parent_pid));
      if (auto s = TextField(fields, "child_comm=", "child_pid=", &e->target_comm); !s.ok()) {
        return s;
      }
      return IntField(fields, "child_pid=", &e->target_pid);
    case EventType::kExec:
      SCX_RETURN_IF_ERROR(TextField(fields, "filename=", "pid=", &e->filename));
      return IntField(fields, "pid=", &e->target_pid);
    case EventType::kOther:
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FtraceEvent> ParseFtraceLine(absl::string_view line) {
  // The CPU column "[NNN]" ends the task column; a comm may hold '-', ' ' and digits.
  size_t open = 0;
  size_t close = absl::string_view::npos;
  while ((open = line.find('[', open)) != absl::string_view::npos) {
    size_t c = open + 1;
    while (c < line.size() && absl::ascii_isdigit(line[c])) ++c;
    if (c > open + 1 && c < line.size() && line[c] == ']') {
      close = c;
      break;
    }
    ++open;
  }
  if (close == absl::string_view::npos) return Malformed("found no [CPU] column");
  FtraceEvent e;
  absl::string_view task = absl::StripAsciiWhitespace(line.substr(0, open));
  // With the record-tgid option the task column ends in "(TGID)".
  if (!task.empty() && task.back() == ')') {
    size_t paren = task.rfind('(');
    if (paren != absl::string_view::npos) {
      task = absl::StripTrailingAsciiWhitespace(task.substr(0, paren));
    }
  }
  size_t dash = task.rfind('-');
  if (dash == absl::string_view::npos || !absl::SimpleAtoi(task.substr(dash + 1), &e.pid)) {
    return Malformed(absl::StrCat("task column '", task, "' is not COMM-PID"));
  }
  e.comm = std::string(task.substr(0, dash));
  if (!absl::SimpleAtoi(line.substr(open + 1, close - open - 1), &e.cpu)) {
    return Malformed("bad CPU number");
  }

  absl::string_view rest = absl::StripLeadingAsciiWhitespace(line.substr(close + 1));
  // FLAGS (optional: older formats and some options omit it), then "SECONDS:".
  size_t sp = rest.find(' ');
  absl::string_view token = rest.substr(0, sp);
  if (!token.empty() && token.back() != ':') {
    e.in_irq = token.find_first_of("hHs") != absl::string_view::npos;
    if (sp == absl::string_view::npos) return Malformed("nothing after the flags");
    rest = absl::StripLeadingAsciiWhitespace(rest.substr(sp));
    sp = rest.find(' ');
    token = rest.substr(0, sp);
  }
  if (token.empty() || token.back() != ':' ||
      !ParseSeconds(token.substr(0, token.size() - 1), &e.ts_ns)) {
    return Malformed(absl::StrCat("timestamp '", token, "' is not SECONDS.FRACTION:"));
  }
  if (sp == absl::string_view::npos) return Malformed("no event after the timestamp");
  rest = absl::StripLeadingAsciiWhitespace(rest.substr(sp));
  size_t colon = rest.find(": ");
  absl::string_view name = rest.substr(0, colon);
  if (colon == absl::string_view::npos) {
    // An event with no fields ends in ':' at the end of the line.
    if (!name.empty() && name.back() == ':') name.remove_suffix(1);
    e.type = TypeOf(name);
    if (e.type != EventType::kOther) return Malformed(absl::StrCat("no fields for ", name));
    return e;
  }
  e.type = TypeOf(name);
  if (auto s = ParseFields(rest.substr(colon + 2), &e); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": ", s.message()));
  }
  return e;
}

absl::StatusOr<std::vector<FtraceEvent>> ParseFtraceText(absl::string_view text,
                                                         absl::string_view source) {
  std::vector<FtraceEvent> events;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    // The kernel marks lost events with a "CPU:N [LOST M EVENTS]" line; they are not events.
    if (absl::StartsWith(trimmed, "CPU:")) continue;
    absl::StatusOr<FtraceEvent> e = ParseFtraceLine(trimmed);
    if (!e.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ":", line_no, ": ", e.status().message()));
    }
    events.push_back(*std::move(e));
  }
  return events;
}

absl::StatusOr<std::vector<FtraceEvent>> ReadFtraceFile(const std::string& path) {
  // zlib reads plain files transparently, so one path serves .gz and uncompressed traces.
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open the trace file"));
  }
  std::string text;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) text.append(buf, n);
  int err = 0;
  const char* msg = gzerror(f, &err);
  std::string error = (n < 0 || err < 0) ? std::string(msg) : "";
  gzclose(f);
  if (!error.empty()) {
    return absl::DataLossError(absl::StrCat(path, ": cannot read the trace: ", error));
  }
  return ParseFtraceText(text, path);
}

}  // namespace scxtwin::trace2workload
