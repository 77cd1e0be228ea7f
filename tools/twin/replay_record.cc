#include "tools/twin/replay_record.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace scxtwin::twin {

std::string RecordedCallback::name() const {
  return std::string(enter.name, strnlen(enter.name, sizeof(enter.name)));
}

std::string KfuncName(uint32_t id) {
  switch (id) {
#define SCXTWIN_KFUNC_CASE(name, number) \
  case number:                           \
    return #name;
    SCXTWIN_REC_KFUNCS(SCXTWIN_KFUNC_CASE)
#undef SCXTWIN_KFUNC_CASE
  }
  return absl::StrCat("kfunc#", id);
}

namespace {

template <typename T>
bool ReadAs(const std::string& bytes, size_t at, uint32_t size, T* out) {
  if (size != sizeof(T)) return false;
  memcpy(out, bytes.data() + at, sizeof(T));
  return true;
}

}  // namespace

absl::StatusOr<Record> ParseRecord(const std::string& bytes, const std::string& name) {
  auto bad = [&](const std::string& what) {
    return absl::InvalidArgumentError(absl::StrCat("record ", name, ": ", what));
  };
  Record record;
  if (bytes.size() < sizeof(record.header)) return bad("too short for a record file header");
  memcpy(&record.header, bytes.data(), sizeof(record.header));
  if (record.header.magic != SCXTWIN_REC_FILE_MAGIC) {
    return bad("not a record file (no SXTWREC1 magic; expected the output of load --record)");
  }
  if (record.header.version != SCXTWIN_REC_VERSION) {
    return bad(absl::StrCat("record version ", record.header.version, ", this replay reads ",
                            SCXTWIN_REC_VERSION));
  }
  const scxtwin_rec_layout& layout = record.header.layout;
  if (layout.nr_globals > SCXTWIN_REC_GLOBAL_VARS) return bad("its layout lists too many globals");
  for (uint32_t i = 0; i < layout.nr_globals; ++i) {
    const scxtwin_rec_global& g = layout.globals[i];
    if (g.at > SCXTWIN_REC_GLOBALS_LEN || g.size > SCXTWIN_REC_GLOBALS_LEN - g.at) {
      return bad("its layout places a global outside the snapshot");
    }
  }
  if (record.header.dropped != 0) {
    return bad(absl::StrCat(record.header.dropped,
                            " records were dropped (the ring buffer was full): an incomplete "
                            "record cannot be replayed exactly"));
  }

  absl::flat_hash_map<uint64_t, size_t> by_seq;  // entry seq -> index in callbacks
  std::vector<scxtwin_rec_call> calls;
  std::vector<scxtwin_rec_exit> exits;
  std::vector<uint64_t> seqs;
  size_t at = sizeof(record.header);
  uint64_t n = 0;
  while (at < bytes.size()) {
    scxtwin_rec_hdr hdr;
    if (bytes.size() - at < sizeof(hdr)) return bad(absl::StrCat("record ", n, " is cut short"));
    memcpy(&hdr, bytes.data() + at, sizeof(hdr));
    if (hdr.size < sizeof(hdr) || hdr.size > bytes.size() - at) {
      return bad(absl::StrCat("record ", n, " (seq ", hdr.seq, ") has a bad size ", hdr.size));
    }
    bool ok = false;
    switch (hdr.kind) {
      case SCXTWIN_REC_ENTER: {
        RecordedCallback cb;
        ok = ReadAs(bytes, at, hdr.size, &cb.enter);
        if (ok) {
          by_seq[hdr.seq] = record.callbacks.size();
          record.callbacks.push_back(std::move(cb));
        }
        break;
      }
      case SCXTWIN_REC_CALL: {
        scxtwin_rec_call call;
        ok = ReadAs(bytes, at, hdr.size, &call);
        if (ok) calls.push_back(call);
        break;
      }
      case SCXTWIN_REC_EXIT: {
        scxtwin_rec_exit exit;
        ok = ReadAs(bytes, at, hdr.size, &exit);
        if (ok) exits.push_back(exit);
        break;
      }
      default:
        break;
    }
    if (!ok) {
      return bad(absl::StrCat("record ", n, " (seq ", hdr.seq, ") has unknown kind ", hdr.kind,
                              " or size ", hdr.size));
    }
    seqs.push_back(hdr.seq);
    at += hdr.size;
    n++;
  }
  if (n != record.header.records) {
    return bad(
        absl::StrCat("the header counts ", record.header.records, " records, the file holds ", n));
  }
  std::sort(seqs.begin(), seqs.end());
  for (size_t i = 1; i < seqs.size(); ++i) {
    if (seqs[i] == seqs[i - 1]) return bad(absl::StrCat("seq ", seqs[i], " appears twice"));
  }

  for (const scxtwin_rec_call& call : calls) {
    auto it = by_seq.find(call.hdr.cb_seq);
    if (it == by_seq.end()) {
      return bad(absl::StrCat("call seq ", call.hdr.seq, " (", KfuncName(call.hdr.id),
                              ") belongs to no recorded callback (cb_seq ", call.hdr.cb_seq, ")"));
    }
    record.callbacks[it->second].calls.push_back(call);
  }
  record.calls = calls.size();
  for (const scxtwin_rec_exit& exit : exits) {
    auto it = by_seq.find(exit.hdr.cb_seq);
    if (it == by_seq.end()) {
      return bad(absl::StrCat("exit seq ", exit.hdr.seq, " belongs to no recorded callback"));
    }
    record.callbacks[it->second].exit = exit;
    record.callbacks[it->second].has_exit = true;
  }
  for (RecordedCallback& cb : record.callbacks) {
    std::sort(
        cb.calls.begin(), cb.calls.end(),
        [](const scxtwin_rec_call& a, const scxtwin_rec_call& b) { return a.hdr.seq < b.hdr.seq; });
  }
  std::sort(record.callbacks.begin(), record.callbacks.end(),
            [](const RecordedCallback& a, const RecordedCallback& b) { return a.seq() < b.seq(); });
  // Overlaps: an earlier entry whose exit comes after this entry, or a later entry before this
  // exit.
  uint64_t latest_exit = 0;
  for (size_t i = 0; i < record.callbacks.size(); ++i) {
    RecordedCallback& cb = record.callbacks[i];
    uint64_t exit = cb.has_exit ? cb.exit.hdr.seq : UINT64_MAX;
    if (latest_exit > cb.seq()) cb.interleaved = true;
    if (i + 1 < record.callbacks.size() && record.callbacks[i + 1].seq() < exit) {
      cb.interleaved = true;
    }
    latest_exit = std::max(latest_exit, exit);
    if (cb.interleaved) record.interleaved++;
  }
  for (uint32_t i = 0; i < record.callbacks.size(); ++i) {
    const RecordedCallback& cb = record.callbacks[i];
    record.snapshots.push_back({cb.seq(), i, false});
    if (cb.has_exit) record.snapshots.push_back({cb.exit.hdr.seq, i, true});
  }
  std::sort(record.snapshots.begin(), record.snapshots.end(),
            [](const Record::Snapshot& a, const Record::Snapshot& b) { return a.seq < b.seq; });
  return record;
}

absl::StatusOr<Record> ReadRecord(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat("record ", path, ": cannot open it"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseRecord(buffer.str(), path);
}

}  // namespace scxtwin::twin
