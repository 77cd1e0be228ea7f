// A record file (policy/include/scxtwin/record.h) read back and grouped by callback: each
// callback's entry, the kfunc and helper calls it made in order, and its exit, in the order of
// the sequence number taken at entry.
#ifndef SCXTWIN_TOOLS_TWIN_REPLAY_RECORD_H_
#define SCXTWIN_TOOLS_TWIN_REPLAY_RECORD_H_

#include <linux/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/include/scxtwin/record.h"

namespace scxtwin::twin {

struct RecordedCallback {
  scxtwin_rec_enter enter = {};
  std::vector<scxtwin_rec_call> calls;  // by seq
  scxtwin_rec_exit exit = {};
  bool has_exit = false;
  std::string name() const;  // the program's name, e.g. "homing_select_cpu"
  uint64_t seq() const { return enter.hdr.seq; }
  // Another callback ran in the kernel while this one did (their [entry, exit] spans overlap):
  // its reads of the policy's globals may have seen that one's writes, and the other way round.
  bool interleaved = false;
  uint32_t cpu() const { return enter.hdr.cpu; }
};

struct Record {
  scxtwin_rec_file_header header = {};
  std::vector<RecordedCallback> callbacks;  // by entry seq
  uint64_t calls = 0;                       // CALL records in all
  uint64_t interleaved = 0;                 // callbacks marked interleaved
  // Every snapshot of the policy's globals (entries and exits), by seq: the callback's index
  // in `callbacks` and whether it is its exit's.
  struct Snapshot {
    uint64_t seq;
    uint32_t callback;
    bool exit;
  };
  std::vector<Snapshot> snapshots;
  const uint8_t* globals(const Snapshot& s) const {
    return s.exit ? callbacks[s.callback].exit.globals : callbacks[s.callback].enter.globals;
  }
};

// Reads and checks a record file: magic and version, every record whole, no record lost by the
// ring buffer, no seq taken twice, every call belonging to a callback entry. Errors name the
// file and what is wrong with it.
absl::StatusOr<Record> ReadRecord(const std::string& path);

// The same from bytes (the file's contents); `name` is used in messages.
absl::StatusOr<Record> ParseRecord(const std::string& bytes, const std::string& name);

// The name of kfunc `id` (SCXTWIN_REC_KFUNCS), or "kfunc#N".
std::string KfuncName(uint32_t id);

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_REPLAY_RECORD_H_
