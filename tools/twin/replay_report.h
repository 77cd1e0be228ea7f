// The replay's report: counts, the callbacks not replayed, each divergence described (callback,
// task, CPU, sequence number, what the kernel did, what the host build did, the calls before),
// and the closing line `twin replay: NAME: N callbacks, M kfunc calls replayed, D divergences`.
#ifndef SCXTWIN_TOOLS_TWIN_REPLAY_REPORT_H_
#define SCXTWIN_TOOLS_TWIN_REPLAY_REPORT_H_

#include <string>

#include "tools/twin/replay_engine.h"

namespace scxtwin::twin {

std::string FormatReplayReport(const ReplayResult& result);
std::string ClosingLine(const ReplayResult& result);

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_REPLAY_REPORT_H_
