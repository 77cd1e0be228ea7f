// Picks out of libbpf's messages what a person needs when the verifier refuses a program: which
// program, the verifier's error line, and the log lines that led to it.
#ifndef SCXTWIN_KERNEL_VERIFIER_LOG_H_
#define SCXTWIN_KERNEL_VERIFIER_LOG_H_

#include <cstddef>
#include <string>
#include <vector>

namespace scxtwin {

struct VerifierRejection {
  std::string program;            // "" if libbpf's messages held no program load log
  std::string error;              // the verifier's error line, e.g. "R0 invalid mem access ..."
  std::vector<std::string> tail;  // the last lines of the log, ending with `error`
};

// Reads the last "-- BEGIN PROG LOAD LOG --" ... "-- END PROG LOAD LOG --" section of
// `libbpf_messages`. The error line is the last line of the log's instruction trace: before the
// first blank line (kernels >= 7 add an explanation after it) or before "processed N insns".
VerifierRejection SummarizeVerifierLog(const std::string& libbpf_messages, size_t tail_lines);

}  // namespace scxtwin

#endif  // SCXTWIN_KERNEL_VERIFIER_LOG_H_
