#include "sim/experiment/process_pool.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace scxtwin::experiment {
namespace {

// The child writes one status byte ('+' ok, '!' error) then the payload (for an error: the
// status code in decimal, a space, the message), then exits.
void WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);
    data += n;
    size -= static_cast<size_t>(n);
  }
}

[[noreturn]] void RunChild(int fd, int index, const JobFn& job) {
  absl::StatusOr<std::string> result = job(index);
  std::string message = result.ok() ? "+" + *result
                                    : absl::StrCat("!", static_cast<int>(result.status().code()),
                                                   " ", result.status().message());
  WriteAll(fd, message.data(), message.size());
  close(fd);
  fflush(nullptr);
  _exit(0);
}

struct Running {
  pid_t pid;
  int index;
  std::string bytes;
};

}  // namespace

absl::StatusOr<std::vector<std::string>> RunInProcesses(int count, int workers, const JobFn& job,
                                                        const ProgressFn& progress) {
  if (workers < 1) workers = 1;
  std::vector<std::string> results(count);
  std::map<int, Running> running;  // by read fd
  int next = 0, done = 0;
  absl::Status first_error;
  int first_error_index = count;
  fflush(nullptr);  // children must not flush the parent's buffered output again

  while (done < count) {
    while (next < count && static_cast<int>(running.size()) < workers && first_error.ok()) {
      int fds[2];
      if (pipe(fds) != 0) return absl::InternalError(absl::StrFormat("pipe: %s", strerror(errno)));
      pid_t pid = fork();
      if (pid < 0) return absl::InternalError(absl::StrFormat("fork: %s", strerror(errno)));
      if (pid == 0) {
        close(fds[0]);
        RunChild(fds[1], next, job);
      }
      close(fds[1]);
      running[fds[0]] = Running{pid, next, {}};
      ++next;
    }
    if (running.empty()) break;  // an error stopped new jobs and every running one ended

    std::vector<pollfd> polls;
    for (const auto& [fd, unused] : running) polls.push_back({fd, POLLIN, 0});
    if (poll(polls.data(), polls.size(), -1) < 0 && errno != EINTR) {
      return absl::InternalError(absl::StrFormat("poll: %s", strerror(errno)));
    }
    for (const pollfd& p : polls) {
      if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Running& r = running[p.fd];
      char buf[65536];
      ssize_t n = read(p.fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        r.bytes.append(buf, static_cast<size_t>(n));
        continue;
      }
      // EOF: the child is done.
      close(p.fd);
      int status = 0;
      waitpid(r.pid, &status, 0);
      absl::Status job_status;
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || r.bytes.empty()) {
        job_status = absl::InternalError(
            absl::StrFormat("run %d: child process died (%s %d)", r.index,
                            WIFSIGNALED(status) ? "signal" : "exit code",
                            WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status)));
      } else if (r.bytes[0] == '!') {
        // The job's own error, with its code (bad input stays bad input), named by job.
        const size_t space = r.bytes.find(' ');
        int code = static_cast<int>(absl::StatusCode::kInternal);
        if (space == std::string::npos || !absl::SimpleAtoi(r.bytes.substr(1, space - 1), &code)) {
          job_status =
              absl::InternalError(absl::StrFormat("run %d: %s", r.index, r.bytes.substr(1)));
        } else {
          job_status =
              absl::Status(static_cast<absl::StatusCode>(code),
                           absl::StrFormat("run %d: %s", r.index, r.bytes.substr(space + 1)));
        }
      } else {
        results[r.index] = r.bytes.substr(1);
      }
      // Of the jobs that failed, report the lowest-numbered one (not whichever ended first).
      if (!job_status.ok() && (first_error.ok() || r.index < first_error_index)) {
        first_error = job_status;
        first_error_index = r.index;
      }
      running.erase(p.fd);
      ++done;
      if (progress) progress(done, count);
    }
    if (!first_error.ok() && running.empty()) break;
  }
  if (!first_error.ok()) return first_error;
  return results;
}

ProgressFn TerminalProgressBar(std::string label) {
  if (!isatty(STDERR_FILENO)) return nullptr;
  return [label = std::move(label)](int done, int total) {
    const int width = 30;
    const int filled = total > 0 ? done * width / total : width;
    std::fprintf(stderr, "\r%s [%s%s] %d/%d", label.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), done, total);
    if (done == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  };
}

}  // namespace scxtwin::experiment
