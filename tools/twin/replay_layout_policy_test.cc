// One project policy's two builds agree on what the replay binds: `replay_layout_NAME_test
// RECORD_BPF_O HOST_SO` (tools/twin/BUILD gives the paths) passes iff CheckHostLayout does,
// and prints the first difference otherwise.
#include <iostream>

#include "tools/twin/replay_layout.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: replay_layout_policy_test RECORD_BPF_O HOST_SO\n";
    return 2;
  }
  absl::Status s = scxtwin::twin::CheckHostLayout(argv[1], argv[2]);
  if (!s.ok()) {
    std::cerr << "FAIL: " << s.message() << "\n";
    return 1;
  }
  std::cout << "ok: " << argv[1] << " and " << argv[2] << " agree on callbacks, globals, maps\n";
  return 0;
}
