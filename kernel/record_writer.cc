#include "kernel/record_writer.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <string.h>

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "policy/include/scxtwin/record.h"

namespace scxtwin {

absl::Status FillRecordLayout(const bpf_object* obj, scxtwin_rec_layout* layout) {
  *layout = {};
  const btf* types = bpf_object__btf(obj);
  if (types == nullptr) return absl::InternalError("the record build has no BTF");
  bool bss_anchor = false, data_anchor = false;
  uint32_t at = 0;
  // The kernel tree's exit records (struct user_exit_info) and their dump buffers (NAME_dump),
  // which UEI_DEFINE puts before them.
  std::set<std::string> exit_records;
  for (const char* name : {".bss", ".data"}) {
    int id = btf__find_by_name_kind(types, name, BTF_KIND_DATASEC);
    if (id < 0) continue;
    const btf_type* sec = btf__type_by_id(types, id);
    const btf_var_secinfo* var = btf_var_secinfos(sec);
    for (uint16_t i = 0; i < btf_vlen(sec); ++i, ++var) {
      const btf_type* v = btf__type_by_id(types, var->type);
      const btf_type* t = btf__type_by_id(types, v->type);
      if (t != nullptr && btf_is_struct(t) &&
          strcmp(btf__name_by_offset(types, t->name_off), "user_exit_info") == 0) {
        exit_records.insert(btf__name_by_offset(types, v->name_off));
      }
    }
  }
  for (uint32_t section = 0; section < 2; ++section) {
    const char* name = section == 0 ? ".bss" : ".data";
    int id = btf__find_by_name_kind(types, name, BTF_KIND_DATASEC);
    if (id < 0) continue;
    const btf_type* sec = btf__type_by_id(types, id);
    const btf_var_secinfo* var = btf_var_secinfos(sec);
    for (uint16_t i = 0; i < btf_vlen(sec); ++i, ++var) {
      std::string var_name =
          btf__name_by_offset(types, btf__type_by_id(types, var->type)->name_off);
      if (var_name == "scxtwin_rec_seq") {
        layout->bss_anchor = var->offset;
        bss_anchor = true;
      } else if (var_name == "scxtwin_rec_data_anchor") {
        layout->data_anchor = var->offset;
        data_anchor = true;
      }
      // Not the policy's state: the record's own variables, the exit records (the project's
      // exit_info, the kernel tree's struct user_exit_info, written only by ops.exit, which the
      // replay does not run), function-local statics, and the kernel tree's header library's
      // reserved-name variables (__scx_*, set by its own probes outside any callback).
      const bool kernel_tree_exit_record =
          exit_records.count(var_name) != 0 ||
          (absl::EndsWith(var_name, "_dump") &&
           exit_records.count(var_name.substr(0, var_name.size() - 5)) != 0);
      if (absl::StartsWith(var_name, "scxtwin_rec_") || var_name == "exit_info" ||
          kernel_tree_exit_record || absl::StartsWith(var_name, "__") ||
          var_name.find('.') != std::string::npos) {
        continue;
      }
      if (layout->nr_globals == SCXTWIN_REC_GLOBAL_VARS ||
          var->size > SCXTWIN_REC_GLOBALS_LEN - at ||
          var_name.size() >= sizeof(layout->globals[0].name)) {
        return absl::InvalidArgumentError(
            absl::StrCat("the policy's global variables do not fit a record snapshot (at most ",
                         SCXTWIN_REC_GLOBAL_VARS, " variables, ", SCXTWIN_REC_GLOBALS_LEN,
                         " bytes, names under 24 characters: SCXTWIN_REC_GLOBAL_VARS and "
                         "SCXTWIN_REC_GLOBALS_LEN in policy/include/scxtwin/record.h; ",
                         layout->nr_globals, " variables in ", at, " bytes fit before ", var_name,
                         ", of ", var->size, " bytes)"));
      }
      scxtwin_rec_global& g = layout->globals[layout->nr_globals++];
      snprintf(g.name, sizeof(g.name), "%s", var_name.c_str());
      g.section = section;
      g.offset = var->offset;
      g.size = var->size;
      g.at = at;
      at += var->size;
    }
  }
  if (!bss_anchor || !data_anchor) {
    return absl::InternalError(
        "the record build lacks its anchors (scxtwin_rec_seq, "
        "scxtwin_rec_data_anchor)");
  }
  return absl::OkStatus();
}

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
                                const std::string& knob_sets, const scxtwin_rec_layout& layout,
                                int nr_cpus, int ring_fd) {
  layout_ = layout;
  if (knob_sets.size() >= sizeof(scxtwin_rec_file_header::knob_sets)) {
    return absl::InvalidArgumentError(absl::StrCat("--record: the --set knobs take more than ",
                                                   sizeof(scxtwin_rec_file_header::knob_sets) - 1,
                                                   " characters"));
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
  ring_ = ring_buffer__new(ring_fd, OnRecord, this, nullptr);
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
  header.layout = layout_;
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
