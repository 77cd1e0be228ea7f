#include "kernel/verifier_log.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace scxtwin {

VerifierRejection SummarizeVerifierLog(const std::string& libbpf_messages, size_t tail_lines) {
  constexpr absl::string_view kBegin = "-- BEGIN PROG LOAD LOG --";
  constexpr absl::string_view kEnd = "-- END PROG LOAD LOG --";
  VerifierRejection out;
  size_t begin = libbpf_messages.rfind(std::string(kBegin));
  if (begin == std::string::npos) return out;

  // "libbpf: prog 'NAME': -- BEGIN PROG LOAD LOG --"
  size_t line_start = libbpf_messages.rfind('\n', begin);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  absl::string_view header(libbpf_messages.data() + line_start, begin - line_start);
  size_t q1 = header.find('\'');
  size_t q2 = q1 == absl::string_view::npos ? q1 : header.find('\'', q1 + 1);
  if (q2 != absl::string_view::npos) out.program = std::string(header.substr(q1 + 1, q2 - q1 - 1));

  size_t body = begin + kBegin.size();
  size_t end = libbpf_messages.find(std::string(kEnd), body);
  absl::string_view log(libbpf_messages.data() + body,
                        (end == std::string::npos ? libbpf_messages.size() : end) - body);

  std::vector<std::string> trace;
  bool started = false;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    absl::string_view trimmed = absl::StripTrailingAsciiWhitespace(line);
    if (trimmed.empty()) {
      if (started) break;  // the end of the trace; an explanation may follow
      continue;
    }
    if (absl::StartsWith(trimmed, "processed ") && absl::StrContains(trimmed, " insns")) break;
    started = true;
    trace.emplace_back(trimmed);
  }
  if (trace.empty()) return out;
  out.error = trace.back();
  size_t from = trace.size() > tail_lines ? trace.size() - tail_lines : 0;
  out.tail.assign(trace.begin() + from, trace.end());
  return out;
}

}  // namespace scxtwin
