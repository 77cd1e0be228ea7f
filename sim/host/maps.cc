#include "sim/host/maps.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace scxtwin::host {
namespace {

// A zero-filled, 8-byte aligned value buffer.
class Value {
 public:
  explicit Value(uint32_t size) : words_(new uint64_t[(size + 7) / 8 ? (size + 7) / 8 : 1]()) {}
  void* data() { return words_.get(); }

 private:
  std::unique_ptr<uint64_t[]> words_;
};

std::string KeyBytes(const void* key, uint32_t size) {
  return std::string(static_cast<const char*>(key), size);
}

class ArrayMap : public HostMap {
 public:
  ArrayMap(const scxtwin_map_def& def, int copies)
      : HostMap(def),
        stride_((def.value_size + 7) / 8 * 8),
        copies_(copies),
        storage_(new uint64_t[static_cast<size_t>(stride_ / 8) * def.max_entries * copies]()) {}

  void* Lookup(const void* key) override { return Slot(Index(key), 0); }
  void* LookupPerCpu(const void* key, uint32_t cpu) override {
    return cpu < static_cast<uint32_t>(copies_) ? Slot(Index(key), cpu) : nullptr;
  }
  long Update(const void* key, const void* value, uint64_t flags) override {
    void* slot = Slot(Index(key), 0);
    if (!slot) return -E2BIG;
    if (flags == BPF_NOEXIST) return -EEXIST;  // array elements always exist
    std::memcpy(slot, value, def_.value_size);
    return 0;
  }
  long Delete(const void* key) override { return -EINVAL; }
  long ElementOf(const void* addr, uint64_t* key, void** value) override {
    const char* base = reinterpret_cast<const char*>(storage_.get());
    const char* a = static_cast<const char*>(addr);
    const size_t total = static_cast<size_t>(stride_) * def_.max_entries * copies_;
    if (a < base || a >= base + total) return -ENOENT;
    const size_t slot = static_cast<size_t>(a - base) / stride_;
    *key = slot % def_.max_entries;
    *value = const_cast<char*>(base) + slot * stride_;
    return 0;
  }

 protected:
  static uint32_t Index(const void* key) {
    uint32_t i;
    std::memcpy(&i, key, sizeof(i));
    return i;
  }
  void* Slot(uint32_t index, int copy) {
    if (index >= def_.max_entries) return nullptr;
    return reinterpret_cast<char*>(storage_.get()) +
           (static_cast<size_t>(copy) * def_.max_entries + index) * stride_;
  }

  uint32_t stride_;
  int copies_;
  std::unique_ptr<uint64_t[]> storage_;
};

// Per-CPU array: `Lookup` answers with the current CPU's copy.
class PerCpuArrayMap : public ArrayMap {
 public:
  PerCpuArrayMap(const scxtwin_map_def& def, const HostMaps* maps)
      : ArrayMap(def, maps->nr_cpus()), maps_(maps) {}
  void* Lookup(const void* key) override { return Slot(Index(key), Cpu()); }
  long Update(const void* key, const void* value, uint64_t flags) override {
    void* slot = Slot(Index(key), Cpu());
    if (!slot) return -E2BIG;
    if (flags == BPF_NOEXIST) return -EEXIST;
    std::memcpy(slot, value, def_.value_size);
    return 0;
  }

 private:
  // Outside any CPU (e.g. ops.init) the kernel runs on some CPU too: use CPU 0's copy.
  int Cpu() const {
    const int cpu = maps_->current_cpu();
    return cpu >= 0 && cpu < copies_ ? cpu : 0;
  }
  const HostMaps* maps_;
};

// Hash and LRU hash, optionally per-CPU (one value per CPU, the current CPU's answered).
// Values keep their address until deleted. A full LRU hash evicts the least recently
// inserted-or-updated element (deterministic; the kernel's LRU is approximate).
class HashMap : public HostMap {
 public:
  HashMap(const scxtwin_map_def& def, bool lru, const HostMaps* percpu_of)
      : HostMap(def),
        lru_(lru),
        maps_(percpu_of),
        stride_((def.value_size + 7) / 8 * 8),
        copies_(percpu_of ? percpu_of->nr_cpus() : 1) {}

  void* Lookup(const void* key) override { return Slot(key, Cpu()); }
  void* LookupPerCpu(const void* key, uint32_t cpu) override {
    return maps_ && cpu < static_cast<uint32_t>(copies_) ? Slot(key, static_cast<int>(cpu))
                                                         : nullptr;
  }
  long Update(const void* key, const void* value, uint64_t flags) override {
    std::string k = KeyBytes(key, def_.key_size);
    auto it = elems_.find(k);
    if (it != elems_.end()) {
      if ((flags & 3) == BPF_NOEXIST) return -EEXIST;
      std::memcpy(static_cast<char*>(it->second.value.data()) + Cpu() * stride_, value,
                  def_.value_size);
      it->second.stamp = ++clock_;
      return 0;
    }
    if ((flags & 3) == BPF_EXIST) return -ENOENT;
    if (elems_.size() >= def_.max_entries) {
      if (!lru_) return -E2BIG;
      auto oldest = elems_.begin();
      for (auto e = elems_.begin(); e != elems_.end(); ++e)
        if (e->second.stamp < oldest->second.stamp) oldest = e;
      elems_.erase(oldest);
    }
    Elem e{Value(stride_ * copies_), ++clock_};
    std::memcpy(static_cast<char*>(e.value.data()) + Cpu() * stride_, value, def_.value_size);
    elems_.emplace(std::move(k), std::move(e));
    return 0;
  }
  long Delete(const void* key) override {
    return elems_.erase(KeyBytes(key, def_.key_size)) ? 0 : -ENOENT;
  }
  long ElementOf(const void* addr, uint64_t* key, void** value) override {
    const char* a = static_cast<const char*>(addr);
    for (auto& [k, e] : elems_) {
      char* v = static_cast<char*>(e.value.data());
      if (a >= v && a < v + static_cast<size_t>(stride_) * copies_) {
        *key = 0;
        std::memcpy(key, k.data(), k.size() < sizeof(*key) ? k.size() : sizeof(*key));
        *value = v;
        return 0;
      }
    }
    return -ENOENT;
  }

 private:
  struct Elem {
    Value value;
    uint64_t stamp;
  };
  int Cpu() const {
    if (!maps_) return 0;
    const int cpu = maps_->current_cpu();
    return cpu >= 0 && cpu < copies_ ? cpu : 0;
  }
  void* Slot(const void* key, int cpu) {
    auto it = elems_.find(KeyBytes(key, def_.key_size));
    return it == elems_.end() ? nullptr
                              : static_cast<char*>(it->second.value.data()) + cpu * stride_;
  }
  bool lru_;
  const HostMaps* maps_;  // set for per-CPU hashes
  uint32_t stride_;
  int copies_;
  uint64_t clock_ = 0;
  absl::flat_hash_map<std::string, Elem> elems_;
};

// Queue (FIFO) and stack (LIFO) maps: push/pop/peek of whole values.
class QueueMap : public HostMap {
 public:
  QueueMap(const scxtwin_map_def& def, bool stack) : HostMap(def), stack_(stack) {}

  long Push(const void* value, uint64_t flags) override {
    if (elems_.size() >= def_.max_entries) {
      if (!(flags & BPF_EXIST)) return -E2BIG;
      elems_.pop_front();  // BPF_EXIST: make room by dropping the oldest
    }
    elems_.emplace_back(static_cast<const char*>(value), def_.value_size);
    return 0;
  }
  long Pop(void* value) override {
    if (elems_.empty()) return -ENOENT;
    std::string& e = stack_ ? elems_.back() : elems_.front();
    std::memcpy(value, e.data(), def_.value_size);
    if (stack_)
      elems_.pop_back();
    else
      elems_.pop_front();
    return 0;
  }
  long Peek(void* value) override {
    if (elems_.empty()) return -ENOENT;
    std::memcpy(value, (stack_ ? elems_.back() : elems_.front()).data(), def_.value_size);
    return 0;
  }
  long Update(const void* key, const void* value, uint64_t flags) override {
    return Push(value, flags);
  }

 private:
  bool stack_;
  std::deque<std::string> elems_;
};

// Task local storage: one value per (map, task), created on demand.
class TaskStorageMap : public HostMap {
 public:
  explicit TaskStorageMap(const scxtwin_map_def& def) : HostMap(def) {}

  void* TaskStorageGet(const task_struct* task, const void* init, uint64_t flags) override {
    if (!task) return nullptr;
    auto it = elems_.find(task);
    if (it != elems_.end()) return it->second.data();
    if (!(flags & BPF_LOCAL_STORAGE_GET_F_CREATE)) return nullptr;
    Value v(def_.value_size);
    if (init) std::memcpy(v.data(), init, def_.value_size);
    return elems_.emplace(task, std::move(v)).first->second.data();
  }
  long TaskStorageDelete(const task_struct* task) override {
    return elems_.erase(task) ? 0 : -ENOENT;
  }
  void ForgetTask(const task_struct* task) override { elems_.erase(task); }
  // bpf_map_lookup_elem on task storage takes a pidfd in the kernel; not offered.

 private:
  absl::flat_hash_map<const task_struct*, Value> elems_;
};

// A map of maps (BPF_MAP_TYPE_ARRAY_OF_MAPS / HASH_OF_MAPS). A lookup returns an inner map as a
// program uses one: the address of a "map variable" holding the inner map's handle. User space
// fills a map of maps; a BPF program cannot create maps, so an array of maps gets a fresh inner
// map in every slot at creation (what scx_pair's loader does), a hash of maps stays empty.
class MapOfMaps : public HostMap {
 public:
  MapOfMaps(const scxtwin_map_def& def, HostMaps* owner) : HostMap(def), owner_(owner) {}

  absl::Status FillSlots() {
    if (def_.type != BPF_MAP_TYPE_ARRAY_OF_MAPS) return absl::OkStatus();
    for (uint32_t i = 0; i < def_.max_entries; ++i) {
      auto inner = std::make_unique<Inner>();
      scxtwin_map_def d = {};
      d.name = name_.c_str();
      d.addr = &inner->variable;
      d.size = sizeof(inner->variable);
      d.type = def_.inner_type;
      d.max_entries = def_.inner_max_entries;
      d.key_size = def_.inner_key_size;
      d.value_size = def_.inner_value_size;
      d.map_flags = def_.inner_map_flags;
      absl::StatusOr<std::unique_ptr<HostMap>> m = owner_->Create(d);
      if (!m.ok()) {
        return absl::Status(m.status().code(), absl::StrCat("inner map of ", m.status().message()));
      }
      inner->map = *std::move(m);
      HostMap* raw = inner->map.get();
      std::memcpy(&inner->variable, &raw, sizeof(raw));
      slots_[KeyBytes(&i, sizeof(i))] = std::move(inner);
    }
    return absl::OkStatus();
  }

  void* Lookup(const void* key) override {
    auto it = slots_.find(KeyBytes(key, def_.key_size));
    return it == slots_.end() ? nullptr : &it->second->variable;
  }
  void ForgetTask(const task_struct* task) override {
    for (auto& [k, inner] : slots_) inner->map->ForgetTask(task);
  }

 private:
  struct Inner {
    uint64_t variable = 0;  // the inner map's handle, as in a map variable
    std::unique_ptr<HostMap> map;
  };
  HostMaps* owner_;
  absl::flat_hash_map<std::string, std::unique_ptr<Inner>> slots_;
};

// An arena: `max_entries` pages of memory reserved up front (MAP_NORESERVE: only touched pages
// cost memory), handed out by bpf_arena_alloc_pages (runtime/host_arena.c) through the C view
// the map variable's second word points to.
class ArenaMap : public HostMap {
 public:
  explicit ArenaMap(const scxtwin_map_def& def)
      : HostMap(def), used_(new uint8_t[def.max_entries]()) {
    len_ = static_cast<size_t>(def.max_entries) * SCXTWIN_ARENA_PAGE_SIZE;
    void* base = mmap(nullptr, len_, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    state_.base = base == MAP_FAILED ? nullptr : static_cast<char*>(base);
    state_.nr_pages = state_.base ? def.max_entries : 0;
    state_.used = used_.get();
  }
  ~ArenaMap() override {
    if (state_.base) munmap(state_.base, len_);
  }
  bool ok() const { return state_.base != nullptr; }
  scxtwin_arena* state() { return &state_; }

 private:
  size_t len_ = 0;
  std::unique_ptr<uint8_t[]> used_;
  scxtwin_arena state_ = {};
};

// A ring buffer of `max_entries` bytes that nothing consumes: the simulator runs no reader of
// the policy's records (a scheduler's user space would poll it), so records stay until it is
// full, as in a kernel ring buffer whose reader never reads; then a reserve fails (NULL) and an
// output returns -EAGAIN, the kernel's answers. Each record takes the kernel's 8-byte header and
// its size rounded up to 8.
class RingBufMap : public HostMap {
 public:
  explicit RingBufMap(const scxtwin_map_def& def) : HostMap(def), buf_(def.max_entries) {}

  void* RingbufReserve(uint64_t size, uint64_t flags) override {
    if (flags != 0) return nullptr;  // the kernel takes no flags here
    return Take(size);
  }
  long RingbufOutput(const void* data, uint64_t size, uint64_t flags) override {
    if (flags & ~uint64_t{kWakeupFlags}) return -EINVAL;
    void* rec = Take(size);
    if (!rec) return -EAGAIN;
    std::memcpy(rec, data, size);
    return 0;
  }

 private:
  static constexpr uint64_t kHeader = 8;
  static constexpr uint64_t kWakeupFlags = 3;  // BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP
  void* Take(uint64_t size) {
    const uint64_t need = kHeader + ((size + 7) & ~uint64_t{7});
    if (size == 0 || size > buf_.size() || need > buf_.size() - used_) return nullptr;
    char* rec = buf_.data() + used_ + kHeader;
    used_ += need;
    return rec;
  }
  std::vector<char> buf_;
  uint64_t used_ = 0;
};

}  // namespace

HostMaps::HostMaps(int nr_cpus, std::function<int()> current_cpu)
    : nr_cpus_(nr_cpus), current_cpu_(std::move(current_cpu)) {}

absl::Status HostMaps::Add(const scxtwin_map_def& def) {
  if (def.size < sizeof(void*)) {
    return absl::InvalidArgumentError(
        absl::StrCat("map '", def.name, "': definition too small to bind"));
  }
  absl::StatusOr<std::unique_ptr<HostMap>> map = Create(def);
  if (!map.ok()) return map.status();
  HostMap* raw = map->get();
  std::memcpy(def.addr, &raw, sizeof(raw));
  if (def.type == BPF_MAP_TYPE_ARENA) {
    if (def.size < 2 * sizeof(void*)) {
      return absl::InvalidArgumentError(
          absl::StrCat("map '", def.name, "': arena definition too small to bind"));
    }
    scxtwin_arena* state = static_cast<ArenaMap*>(raw)->state();
    std::memcpy(static_cast<char*>(def.addr) + sizeof(void*), &state, sizeof(state));
  }
  maps_.push_back(*std::move(map));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<HostMap>> HostMaps::Create(const scxtwin_map_def& def_in) {
  scxtwin_map_def def = def_in;
  const std::string what = absl::StrCat("map '", def.name, "'");
  const bool of_maps =
      def.type == BPF_MAP_TYPE_ARRAY_OF_MAPS || def.type == BPF_MAP_TYPE_HASH_OF_MAPS;
  if (of_maps && def.value_size == 0) def.value_size = 4;  // a map fd, to user space
  if (of_maps && def.type == BPF_MAP_TYPE_ARRAY_OF_MAPS && def.key_size == 0) def.key_size = 4;
  if (def.type == BPF_MAP_TYPE_ARENA) {
    if (def.max_entries == 0)
      return absl::InvalidArgumentError(absl::StrCat(what, ": an arena needs max_entries pages"));
    auto arena = std::make_unique<ArenaMap>(def);
    if (!arena->ok()) {
      return absl::ResourceExhaustedError(
          absl::StrCat(what, ": cannot reserve ", def.max_entries, " pages"));
    }
    return std::unique_ptr<HostMap>(std::move(arena));
  }
  if (def.type == BPF_MAP_TYPE_RINGBUF) {
    // The kernel's rule: a power-of-2 number of pages, no key or value.
    const uint32_t n = def.max_entries;
    if (n < 4096 || (n & (n - 1)) != 0 || def.key_size != 0 || def.value_size != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          what,
          ": a ring buffer needs max_entries a power of 2 of at least 4096 bytes and no "
          "key or value size"));
    }
    return std::unique_ptr<HostMap>(std::make_unique<RingBufMap>(def));
  }
  const bool keyed = def.type != BPF_MAP_TYPE_QUEUE && def.type != BPF_MAP_TYPE_STACK;
  if (def.value_size == 0 || (keyed && def.key_size == 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        what,
        ": key and value sizes must be set (__type(key/value) or __uint(key_size/value_size))"));
  }
  if (def.type != BPF_MAP_TYPE_TASK_STORAGE && def.type != BPF_MAP_TYPE_CGRP_STORAGE &&
      def.max_entries == 0) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": max_entries must be > 0"));
  }
  std::unique_ptr<HostMap> map;
  switch (def.type) {
    case BPF_MAP_TYPE_ARRAY:
      if (def.key_size != 4) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": array keys are 4 bytes"));
      }
      map = std::make_unique<ArrayMap>(def, 1);
      break;
    case BPF_MAP_TYPE_PERCPU_ARRAY:
      if (def.key_size != 4) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": array keys are 4 bytes"));
      }
      map = std::make_unique<PerCpuArrayMap>(def, this);
      break;
    case BPF_MAP_TYPE_HASH:
      map = std::make_unique<HashMap>(def, /*lru=*/false, nullptr);
      break;
    case BPF_MAP_TYPE_LRU_HASH:
      map = std::make_unique<HashMap>(def, /*lru=*/true, nullptr);
      break;
    case BPF_MAP_TYPE_PERCPU_HASH:
      map = std::make_unique<HashMap>(def, /*lru=*/false, this);
      break;
    case BPF_MAP_TYPE_LRU_PERCPU_HASH:
      map = std::make_unique<HashMap>(def, /*lru=*/true, this);
      break;
    case BPF_MAP_TYPE_QUEUE:
      map = std::make_unique<QueueMap>(def, /*stack=*/false);
      break;
    case BPF_MAP_TYPE_STACK:
      map = std::make_unique<QueueMap>(def, /*stack=*/true);
      break;
    case BPF_MAP_TYPE_TASK_STORAGE:
    case BPF_MAP_TYPE_CGRP_STORAGE:  // the same storage, keyed by a cgroup instead of a task
      map = std::make_unique<TaskStorageMap>(def);
      break;
    case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
      // Perf event fds, which user space would install: the simulator has no counters, so the
      // array stays empty (bpf_perf_event_read_value fails on it, see bpf_helpers.h).
      map = std::make_unique<HashMap>(def, /*lru=*/false, nullptr);
      break;
    case BPF_MAP_TYPE_ARRAY_OF_MAPS:
    case BPF_MAP_TYPE_HASH_OF_MAPS: {
      if (def.inner_type == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": a map of maps needs __array(values, struct inner)"));
      }
      auto of = std::make_unique<MapOfMaps>(def, this);
      if (absl::Status s = of->FillSlots(); !s.ok()) return s;
      map = std::move(of);
      break;
    }
    default:
      return absl::UnimplementedError(absl::StrCat(
          what, ": map type ", def.type,
          " is not simulated (array, percpu_array, hash, lru_hash, percpu_hash, lru_percpu_hash, "
          "queue, stack, "
          "task_storage, cgrp_storage, perf_event_array, array_of_maps, hash_of_maps, arena, "
          "ringbuf "
          "are)"));
  }
  return map;
}

HostMap* HostMaps::Find(absl::string_view name) const {
  for (const auto& m : maps_)
    if (m->name() == name) return m.get();
  return nullptr;
}

void HostMaps::ForgetTask(const task_struct* task) {
  for (auto& m : maps_) m->ForgetTask(task);
}

void HostMaps::FillApi(scxtwin_host_api* api) {
  api->maps = this;
  // One trampoline per row of scxtwin/map_helper_list.inc.
#define SCXTWIN_MAP_HELPER(type, entry, params, args, forwarder, dflt, helper, method, \
                           method_args)                                                \
  api->entry = [] SCXTWIN_WITH_CONTEXT(void*, params) -> type {                        \
    return HostMaps::Of(map)->method method_args;                                      \
  };
#include "scxtwin/map_helper_list.inc"
#undef SCXTWIN_MAP_HELPER
}

}  // namespace scxtwin::host
