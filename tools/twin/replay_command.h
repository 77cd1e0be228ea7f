// `twin replay`: record a policy in the VM and replay the record through its host build
// (replay_engine.h), or replay a kept record (--from).
#ifndef SCXTWIN_TOOLS_TWIN_REPLAY_COMMAND_H_
#define SCXTWIN_TOOLS_TWIN_REPLAY_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

namespace scxtwin::twin {

// `args` are the words after "replay". Returns the exit status: 0 when the replay found no
// divergence, 1 when it found some or the recording failed, 2 for bad input.
int RunReplayCommand(const std::vector<std::string>& args, const std::string& argv0,
                     std::ostream& out, std::ostream& err);

extern const char kReplayUsage[];

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_REPLAY_COMMAND_H_
