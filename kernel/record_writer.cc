#include "kernel/record_writer.h"

#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "absl/strings/str_cat.h"
#include "policy/include/scxtwin/record.h"

namespace scxtwin {

RecordWriter::~RecordWriter() {
  if (ring_ != nullptr) ring_buffer__free(ring_);
  if (file_ != nullptr) {
    fclose(file_);
    remove(part_path_.c_str());  // never finished: leave nothing half-written
  }
}

int RecordWriter::OnRecord(void* ctx, void* data, size_t size) {
  auto* self = static_cast<RecordWriter*>(ctx);
  if (fwrite(data, 1, size, self->file_) != size) {
    self->write_failed_ = true;
    return -EIO;
  }
  self->records_++;
  self->bytes_ += size;
  return 0;
}

absl::Status RecordWriter::Open(const std::string& path, const std::string& policy,
                                const std::string& knob_sets, int nr_cpus, bpf_map* ring) {
  if (knob_sets.size() >= sizeof(scxtwin_rec_file_header::knob_sets)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--record: the --set knobs take more than ",
                     sizeof(scxtwin_rec_file_header::knob_sets) - 1, " characters"));
  }
  knob_sets_ = knob_sets;
  path_ = path;
  part_path_ = path + ".part";
  policy_ = policy;
  nr_cpus_ = nr_cpus;
  file_ = fopen(part_path_.c_str(), "wb");
  if (file_ == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--record=", path, ": cannot write ", part_path_, ": ", strerror(errno)));
  }
  // The header is written last, when its counts are known; reserve its place.
  scxtwin_rec_file_header header = {};
  if (fwrite(&header, sizeof(header), 1, file_) != 1) {
    return absl::InternalError(absl::StrCat("--record=", path, ": write failed"));
  }
  ring_ = ring_buffer__new(bpf_map__fd(ring), OnRecord, this, nullptr);
  if (ring_ == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot open the record ring buffer: ", strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status RecordWriter::Poll(int timeout_ms) {
  int n = ring_buffer__poll(ring_, timeout_ms);
  if (write_failed_) return absl::InternalError(absl::StrCat("writing ", part_path_, " failed"));
  if (n < 0 && n != -EINTR) {
    return absl::InternalError(absl::StrCat("reading the record ring buffer: ", strerror(-n)));
  }
  return absl::OkStatus();
}

absl::Status RecordWriter::Finish(uint64_t dropped) {
  int n = ring_buffer__consume(ring_);
  if (write_failed_ || n < 0) {
    return absl::InternalError(absl::StrCat("draining the record into ", part_path_, " failed"));
  }
  scxtwin_rec_file_header header = {};
  header.magic = SCXTWIN_REC_FILE_MAGIC;
  header.version = SCXTWIN_REC_VERSION;
  header.nr_cpus = static_cast<__u32>(nr_cpus_);
  snprintf(header.policy, sizeof(header.policy), "%s", policy_.c_str());
  snprintf(header.knob_sets, sizeof(header.knob_sets), "%s", knob_sets_.c_str());
  header.dropped = dropped;
  header.records = records_;
  if (fseek(file_, 0, SEEK_SET) != 0 || fwrite(&header, sizeof(header), 1, file_) != 1 ||
      fclose(file_) != 0) {
    file_ = nullptr;
    remove(part_path_.c_str());
    return absl::InternalError(absl::StrCat("writing ", part_path_, " failed"));
  }
  file_ = nullptr;
  if (rename(part_path_.c_str(), path_.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot rename ", part_path_, " to ", path_, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace scxtwin
