// The loader's side of the record build: drains the policy's record ring buffer
// (`scxtwin_rec_rb`, policy/include/scxtwin/record.bpf.h) into a record file, the input of the
// twin replay (tools/twin). The file is written as FILE.part and renamed to FILE only when the
// scheduler is detached and the ring buffer drained, so a file at FILE is always complete.
#ifndef SCXTWIN_KERNEL_RECORD_WRITER_H_
#define SCXTWIN_KERNEL_RECORD_WRITER_H_

#include <linux/types.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "policy/include/scxtwin/record.h"

struct bpf_object;
struct ring_buffer;

namespace scxtwin {

// Fills `layout` (the record build's .rodata, before load) from the opened object's BTF: the
// anchors' offsets, and each of the policy's own globals in .bss and .data (not the record's,
// not exit_info, not function-local statics). Fails if they take more than a snapshot holds.
absl::Status FillRecordLayout(const bpf_object* obj, scxtwin_rec_layout* layout);

class RecordWriter {
 public:
  ~RecordWriter();

  // Opens FILE.part and attaches to the ring buffer map (after the skeleton is loaded).
  // `knob_sets`: the knobs set for the run, "NAME=VALUE NAME=VALUE"; `layout` as filled;
  // `ring_fd` the ring buffer map's fd.
  absl::Status Open(const std::string& path, const std::string& policy,
                    const std::string& knob_sets, const scxtwin_rec_layout& layout, int nr_cpus,
                    int ring_fd);
  // Moves what the kernel wrote so far into the file; waits at most `timeout_ms` for data.
  absl::Status Poll(int timeout_ms);
  // After detach: drains the rest, writes the header (with `dropped`, the records the ring
  // buffer had no room for) and renames FILE.part to FILE.
  absl::Status Finish(uint64_t dropped);

  uint64_t records() const { return records_; }
  uint64_t bytes() const { return bytes_; }

 private:
  static int OnRecord(void* ctx, void* data, size_t size);

  std::string path_;
  std::string part_path_;
  std::string policy_;
  std::string knob_sets_;
  scxtwin_rec_layout layout_ = {};
  int nr_cpus_ = 0;
  FILE* file_ = nullptr;
  ring_buffer* ring_ = nullptr;
  uint64_t records_ = 0;
  uint64_t bytes_ = 0;
  bool write_failed_ = false;
};

}  // namespace scxtwin

#endif  // SCXTWIN_KERNEL_RECORD_WRITER_H_
