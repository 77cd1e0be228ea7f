// The storage behind a host-compiled policy's BPF maps: array, per-CPU array, hash, LRU hash,
// per-CPU (LRU) hash, queue and stack, task local storage, array/hash of maps, ring buffer. One HostMaps per policy instance.
//
// A policy names a map by the address of its map variable (`&stats`); the variable holds no
// data, so HostMaps keeps the map's handle in its first 8 bytes: a lookup is one load. Values
// live at stable addresses until deleted (BPF programs keep pointers to them), zero-filled, and
// 8-byte aligned.
#ifndef SCXTWIN_SIM_HOST_MAPS_H_
#define SCXTWIN_SIM_HOST_MAPS_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "scxtwin/host_api.h"
#include "scxtwin/host_registry.h"

namespace scxtwin::host {

// One map. Operations return the BPF helpers' results (0 or a negative errno).
class HostMap {
 public:
  virtual ~HostMap() = default;
  const scxtwin_map_def& def() const { return def_; }
  const std::string& name() const { return name_; }

  virtual void* Lookup(const void* key) { return nullptr; }
  virtual long Update(const void* key, const void* value, uint64_t flags) { return -22; }
  virtual long Delete(const void* key) { return -22; }
  virtual long Push(const void* value, uint64_t flags) { return -22; }
  virtual long Pop(void* value) { return -22; }
  virtual long Peek(void* value) { return -22; }
  virtual void* LookupPerCpu(const void* key, uint32_t cpu) { return nullptr; }
  virtual void* TaskStorageGet(const task_struct* task, const void* init, uint64_t flags) {
    return nullptr;
  }
  virtual long TaskStorageDelete(const task_struct* task) { return -22; }
  virtual void ForgetTask(const task_struct* task) {}
  virtual void* RingbufReserve(uint64_t size, uint64_t flags) { return nullptr; }
  virtual long RingbufOutput(const void* data, uint64_t size, uint64_t flags) { return -22; }
  // Which element holds `addr` (for bpf_timer_init): 0 with key and value, or -ENOENT.
  virtual long ElementOf(const void* addr, uint64_t* key, void** value) { return -2; }
  // The same with the host API's key type.
  long ElementOfU64(const void* addr, u64* key, void** value) {
    uint64_t k = 0;
    const long r = ElementOf(addr, &k, value);
    *key = k;
    return r;
  }

 protected:
  explicit HostMap(const scxtwin_map_def& def) : def_(def), name_(def.name) {}
  scxtwin_map_def def_;
  std::string name_;
};

class HostMaps {
 public:
  // `current_cpu` gives the CPU a callback runs on (the per-CPU slot); `nr_cpus` sizes
  // per-CPU maps.
  HostMaps(int nr_cpus, std::function<int()> current_cpu);
  HostMaps(const HostMaps&) = delete;
  HostMaps& operator=(const HostMaps&) = delete;

  // Creates the map a registry entry describes and binds it to its variable. Fails, naming the
  // map, for a type the simulator does not offer or inconsistent parameters.
  absl::Status Add(const scxtwin_map_def& def);

  // Creates a map without binding it (the inner maps of a map of maps).
  absl::StatusOr<std::unique_ptr<HostMap>> Create(const scxtwin_map_def& def);

  // nullptr if none by that name.
  HostMap* Find(absl::string_view name) const;
  const std::vector<std::unique_ptr<HostMap>>& all() const { return maps_; }

  // The map bound to a map variable (set by Add).
  static HostMap* Of(void* map_variable) { return *static_cast<HostMap**>(map_variable); }

  // A task is gone: drop its local storage in every map.
  void ForgetTask(const task_struct* task);

  // Fills the "maps" entries of a host API table with this object.
  void FillApi(scxtwin_host_api* api);

  int nr_cpus() const { return nr_cpus_; }
  int current_cpu() const { return current_cpu_(); }

 private:
  int nr_cpus_;
  std::function<int()> current_cpu_;
  std::vector<std::unique_ptr<HostMap>> maps_;
};

}  // namespace scxtwin::host

#endif  // SCXTWIN_SIM_HOST_MAPS_H_
