#include "sim/experiment/process_pool.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "absl/strings/str_format.h"

namespace scxtwin::experiment {
namespace {

// The child writes one status byte ('+' ok, '!' error) then the payload, then exits.
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
  std::string message = result.ok() ? "+" + *result : "!" + result.status().ToString();
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
        job_status = absl::InternalError(absl::StrFormat(
            "run %d: child process died (%s %d)", r.index,
            WIFSIGNALED(status) ? "signal" : "exit code",
            WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status)));
      } else if (r.bytes[0] == '!') {
        job_status = absl::InternalError(absl::StrFormat("run %d: %s", r.index, r.bytes.substr(1)));
      } else {
        results[r.index] = r.bytes.substr(1);
      }
      if (!job_status.ok() && first_error.ok()) first_error = job_status;
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
