// HostMaps: each map kind's BPF semantics, bound to a map variable the way a policy declares one.
#include "sim/host/maps.h"

#include <cerrno>
#include <cstring>

#include "gtest/gtest.h"

namespace scxtwin::host {
namespace {

// A map variable as a policy declares it: pointer members only, no data.
struct MapVar {
  void* slots[4] = {};
};

scxtwin_map_def Def(MapVar* var, const char* name, u32 type, u32 max, u32 key, u32 value) {
  scxtwin_map_def d = {};
  d.name = name;
  d.addr = var;
  d.size = sizeof(*var);
  d.type = type;
  d.max_entries = max;
  d.key_size = key;
  d.value_size = value;
  return d;
}

class MapsTest : public ::testing::Test {
 protected:
  int cpu_ = 0;
  HostMaps maps_{4, [this] { return cpu_; }};
};

// An array of queue maps (scx_pair's cgrp_q_arr): every slot holds its own inner queue, reached
// as a program reaches one: lookup gives a map variable, the queue helpers take it.
TEST_F(MapsTest, ArrayOfMapsHoldsAnInnerMapPerSlot) {
  MapVar var;
  scxtwin_map_def d = Def(&var, "arr_of_queues", BPF_MAP_TYPE_ARRAY_OF_MAPS, 3, 4, 0);
  d.inner_type = BPF_MAP_TYPE_QUEUE;
  d.inner_max_entries = 2;
  d.inner_value_size = 4;
  ASSERT_TRUE(maps_.Add(d).ok());
  HostMap* outer = HostMaps::Of(&var);
  u32 k0 = 0, k2 = 2, k3 = 3;
  void* q0 = outer->Lookup(&k0);
  void* q2 = outer->Lookup(&k2);
  ASSERT_NE(q0, nullptr);
  ASSERT_NE(q2, nullptr);
  EXPECT_NE(q0, q2);
  EXPECT_EQ(outer->Lookup(&k3), nullptr) << "past max_entries";
  u32 v = 7, out = 0;
  EXPECT_EQ(HostMaps::Of(q0)->Push(&v, 0), 0);
  EXPECT_EQ(HostMaps::Of(q0)->Push(&v, 0), 0);
  EXPECT_EQ(HostMaps::Of(q0)->Push(&v, 0), -E2BIG) << "the inner map's own max_entries";
  EXPECT_EQ(HostMaps::Of(q2)->Pop(&out), -ENOENT) << "slots are separate maps";
  EXPECT_EQ(HostMaps::Of(q0)->Pop(&out), 0);
  EXPECT_EQ(out, 7u);

  MapVar bad;
  scxtwin_map_def no_inner = Def(&bad, "no_inner", BPF_MAP_TYPE_ARRAY_OF_MAPS, 3, 4, 0);
  EXPECT_EQ(maps_.Add(no_inner).code(), absl::StatusCode::kInvalidArgument);
}

// An arena reserves its pages and hands their C view (for runtime/host_arena.c) to the map
// variable's second word.
TEST_F(MapsTest, ArenaReservesItsPagesForTheRuntime) {
  MapVar var;
  scxtwin_map_def d = Def(&var, "arena", BPF_MAP_TYPE_ARENA, 1 << 20, 0, 0);
  ASSERT_TRUE(maps_.Add(d).ok());
  auto* state = static_cast<scxtwin_arena*>(var.slots[1]);
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(state->nr_pages, 1u << 20);
  EXPECT_EQ(state->nr_used, 0u);
  state->base[(uint64_t{1} << 20) * SCXTWIN_ARENA_PAGE_SIZE - 1] = 1;  // the last byte is ours
  MapVar empty;
  EXPECT_FALSE(maps_.Add(Def(&empty, "no_pages", BPF_MAP_TYPE_ARENA, 0, 0, 0)).ok());
}

TEST_F(MapsTest, ArrayValuesStartZeroAndStayPut) {
  MapVar var;
  ASSERT_TRUE(maps_.Add(Def(&var, "arr", BPF_MAP_TYPE_ARRAY, 3, 4, 12)).ok());
  HostMap* m = HostMaps::Of(&var);
  ASSERT_EQ(m, maps_.Find("arr"));
  u32 k = 2;
  auto* v = static_cast<u32*>(m->Lookup(&k));
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v[0] | v[1] | v[2], 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(v) % 8, 0u);
  const u32 value[3] = {7, 8, 9};
  EXPECT_EQ(m->Update(&k, value, BPF_ANY), 0);
  EXPECT_EQ(m->Lookup(&k), v);
  EXPECT_EQ(v[2], 9u);
  k = 3;
  EXPECT_EQ(m->Lookup(&k), nullptr);
  EXPECT_EQ(m->Update(&k, value, BPF_ANY), -E2BIG);
  EXPECT_EQ(m->Update(&k, value, BPF_NOEXIST), -E2BIG);
  k = 0;
  EXPECT_EQ(m->Update(&k, value, BPF_NOEXIST), -EEXIST);
  EXPECT_EQ(m->Delete(&k), -EINVAL);
}

TEST_F(MapsTest, PerCpuArrayAnswersWithTheCurrentCpusCopy) {
  MapVar var;
  ASSERT_TRUE(maps_.Add(Def(&var, "pc", BPF_MAP_TYPE_PERCPU_ARRAY, 2, 4, 8)).ok());
  HostMap* m = HostMaps::Of(&var);
  u32 k = 1;
  cpu_ = 1;
  ++*static_cast<u64*>(m->Lookup(&k));
  cpu_ = 3;
  *static_cast<u64*>(m->Lookup(&k)) += 5;
  EXPECT_EQ(*static_cast<u64*>(m->LookupPerCpu(&k, 1)), 1u);
  EXPECT_EQ(*static_cast<u64*>(m->LookupPerCpu(&k, 3)), 5u);
  EXPECT_EQ(*static_cast<u64*>(m->LookupPerCpu(&k, 0)), 0u);
  EXPECT_EQ(m->LookupPerCpu(&k, 4), nullptr);
}

TEST_F(MapsTest, HashHonoursFlagsAndCapacity) {
  MapVar var;
  ASSERT_TRUE(maps_.Add(Def(&var, "h", BPF_MAP_TYPE_HASH, 2, 8, 8)).ok());
  HostMap* m = HostMaps::Of(&var);
  u64 k1 = 1, k2 = 2, k3 = 3, v = 10;
  EXPECT_EQ(m->Lookup(&k1), nullptr);
  EXPECT_EQ(m->Update(&k1, &v, BPF_EXIST), -ENOENT);
  EXPECT_EQ(m->Update(&k1, &v, BPF_NOEXIST), 0);
  u64* p1 = static_cast<u64*>(m->Lookup(&k1));
  EXPECT_EQ(*p1, 10u);
  EXPECT_EQ(m->Update(&k1, &v, BPF_NOEXIST), -EEXIST);
  EXPECT_EQ(m->Update(&k2, &v, BPF_ANY), 0);
  EXPECT_EQ(m->Update(&k3, &v, BPF_ANY), -E2BIG);
  v = 11;
  EXPECT_EQ(m->Update(&k1, &v, BPF_EXIST), 0);
  EXPECT_EQ(static_cast<u64*>(m->Lookup(&k1)), p1) << "updates keep the value's address";
  EXPECT_EQ(*p1, 11u);
  EXPECT_EQ(m->Delete(&k1), 0);
  EXPECT_EQ(m->Delete(&k1), -ENOENT);
  EXPECT_EQ(m->Update(&k3, &v, BPF_ANY), 0);
}

TEST_F(MapsTest, LruHashEvictsTheOldestWhenFull) {
  MapVar var;
  ASSERT_TRUE(maps_.Add(Def(&var, "lru", BPF_MAP_TYPE_LRU_HASH, 2, 4, 4)).ok());
  HostMap* m = HostMaps::Of(&var);
  u32 k1 = 1, k2 = 2, k3 = 3, v = 0;
  ASSERT_EQ(m->Update(&k1, &v, BPF_ANY), 0);
  ASSERT_EQ(m->Update(&k2, &v, BPF_ANY), 0);
  ASSERT_EQ(m->Update(&k1, &v, BPF_ANY), 0);  // k1 is now the most recent
  ASSERT_EQ(m->Update(&k3, &v, BPF_ANY), 0);
  EXPECT_NE(m->Lookup(&k1), nullptr);
  EXPECT_EQ(m->Lookup(&k2), nullptr);
  EXPECT_NE(m->Lookup(&k3), nullptr);
}

TEST_F(MapsTest, PerCpuHashKeepsOneValuePerCpu) {
  MapVar var;
  ASSERT_TRUE(maps_.Add(Def(&var, "pch", BPF_MAP_TYPE_PERCPU_HASH, 4, 4, 8)).ok());
  HostMap* m = HostMaps::Of(&var);
  u32 k = 9;
  u64 v = 5;
  cpu_ = 2;
  ASSERT_EQ(m->Update(&k, &v, BPF_ANY), 0);
  EXPECT_EQ(*static_cast<u64*>(m->Lookup(&k)), 5u);
  cpu_ = 1;
  EXPECT_EQ(*static_cast<u64*>(m->Lookup(&k)), 0u) << "other CPUs' copies start at zero";
  *static_cast<u64*>(m->Lookup(&k)) += 3;
  EXPECT_EQ(*static_cast<u64*>(m->LookupPerCpu(&k, 1)), 3u);
  EXPECT_EQ(*static_cast<u64*>(m->LookupPerCpu(&k, 2)), 5u);
  EXPECT_EQ(m->LookupPerCpu(&k, 4), nullptr);
  EXPECT_EQ(m->Delete(&k), 0);
  EXPECT_EQ(m->Lookup(&k), nullptr);
}

TEST_F(MapsTest, QueueIsFifoAndStackIsLifo) {
  MapVar qv, sv;
  ASSERT_TRUE(maps_.Add(Def(&qv, "q", BPF_MAP_TYPE_QUEUE, 2, 0, 4)).ok());
  ASSERT_TRUE(maps_.Add(Def(&sv, "s", BPF_MAP_TYPE_STACK, 2, 0, 4)).ok());
  HostMap* q = HostMaps::Of(&qv);
  HostMap* s = HostMaps::Of(&sv);
  s32 out = 0;
  EXPECT_EQ(q->Pop(&out), -ENOENT);
  for (s32 v : {1, 2}) {
    ASSERT_EQ(q->Push(&v, 0), 0);
    ASSERT_EQ(s->Push(&v, 0), 0);
  }
  s32 three = 3;
  EXPECT_EQ(q->Push(&three, 0), -E2BIG);
  EXPECT_EQ(q->Push(&three, BPF_EXIST), 0);  // drops the oldest (1)
  EXPECT_EQ(q->Peek(&out), 0);
  EXPECT_EQ(out, 2);
  EXPECT_EQ(q->Pop(&out), 0);
  EXPECT_EQ(out, 2);
  EXPECT_EQ(q->Pop(&out), 0);
  EXPECT_EQ(out, 3);
  EXPECT_EQ(s->Pop(&out), 0);
  EXPECT_EQ(out, 2);
}

TEST_F(MapsTest, TaskStorageIsPerTaskCreatedOnDemandAndForgotten) {
  MapVar var;
  ASSERT_TRUE(maps_.Add(Def(&var, "ts", BPF_MAP_TYPE_TASK_STORAGE, 0, 4, 16)).ok());
  HostMap* m = HostMaps::Of(&var);
  task_struct a = {}, b = {};
  EXPECT_EQ(m->TaskStorageGet(&a, nullptr, 0), nullptr);
  const u64 init[2] = {4, 5};
  auto* va = static_cast<u64*>(m->TaskStorageGet(&a, init, BPF_LOCAL_STORAGE_GET_F_CREATE));
  ASSERT_NE(va, nullptr);
  EXPECT_EQ(va[1], 5u);
  auto* vb = static_cast<u64*>(m->TaskStorageGet(&b, nullptr, BPF_LOCAL_STORAGE_GET_F_CREATE));
  EXPECT_EQ(vb[0], 0u);
  EXPECT_EQ(m->TaskStorageGet(&a, nullptr, 0), va);
  maps_.ForgetTask(&a);
  EXPECT_EQ(m->TaskStorageGet(&a, nullptr, 0), nullptr);
  EXPECT_EQ(m->TaskStorageDelete(&b), 0);
  EXPECT_EQ(m->TaskStorageDelete(&b), -ENOENT);
}

// Cgroup local storage: the same storage, one value per cgroup (bpf_cgrp_storage_get).
TEST_F(MapsTest, CgroupStorageIsPerCgroup) {
  MapVar var;
  ASSERT_TRUE(maps_.Add(Def(&var, "cs", BPF_MAP_TYPE_CGRP_STORAGE, 0, 4, 8)).ok());
  HostMap* m = HostMaps::Of(&var);
  struct cgroup root = {}, child = {};
  auto as_owner = [](struct cgroup* c) { return reinterpret_cast<const task_struct*>(c); };
  EXPECT_EQ(m->TaskStorageGet(as_owner(&root), nullptr, 0), nullptr);
  auto* r = static_cast<u64*>(
      m->TaskStorageGet(as_owner(&root), nullptr, BPF_LOCAL_STORAGE_GET_F_CREATE));
  auto* c = static_cast<u64*>(
      m->TaskStorageGet(as_owner(&child), nullptr, BPF_LOCAL_STORAGE_GET_F_CREATE));
  ASSERT_NE(r, nullptr);
  ASSERT_NE(c, nullptr);
  EXPECT_NE(r, c);
  *r = 100;
  EXPECT_EQ(*static_cast<u64*>(m->TaskStorageGet(as_owner(&root), nullptr, 0)), 100u);
}

TEST_F(MapsTest, ElementOfFindsTheArrayElementHoldingAnAddress) {
  MapVar var;
  ASSERT_TRUE(maps_.Add(Def(&var, "timers", BPF_MAP_TYPE_ARRAY, 3, 4, 48)).ok());
  HostMap* m = HostMaps::Of(&var);
  u32 k = 2;
  char* v = static_cast<char*>(m->Lookup(&k));
  uint64_t key = 0;
  void* value = nullptr;
  EXPECT_EQ(m->ElementOf(v + 16, &key, &value), 0);
  EXPECT_EQ(key, 2u);
  EXPECT_EQ(value, v);
  int elsewhere = 0;
  EXPECT_EQ(m->ElementOf(&elsewhere, &key, &value), -ENOENT);
}

// The table's map entries (scxtwin/map_helper_list.inc) reach the map bound to the variable.
TEST_F(MapsTest, HostApiEntriesReachTheBoundMap) {
  MapVar var;
  ASSERT_TRUE(maps_.Add(Def(&var, "arr", BPF_MAP_TYPE_ARRAY, 3, 4, 48)).ok());
  scxtwin_host_api api = {};
  maps_.FillApi(&api);
  EXPECT_EQ(api.maps, &maps_);
#define SCXTWIN_MAP_HELPER(type, entry, ...) EXPECT_NE(api.entry, nullptr) << #entry;
#include "scxtwin/map_helper_list.inc"
#undef SCXTWIN_MAP_HELPER
  u32 k = 1;
  const u32 value[12] = {5};
  EXPECT_EQ(api.map_update_elem(api.maps, &var, &k, value, BPF_ANY), 0);
  auto* v = static_cast<char*>(api.map_lookup_elem(api.maps, &var, &k));
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(*reinterpret_cast<u32*>(v), 5u);
  u64 key = 0;
  void* elem = nullptr;
  EXPECT_EQ(api.map_elem_of(api.maps, &var, v + 8, &key, &elem), 0);
  EXPECT_EQ(key, 1u);
  EXPECT_EQ(elem, v);
  EXPECT_EQ(api.map_delete_elem(api.maps, &var, &k), -EINVAL);  // an array keeps its elements
}

// A ring buffer nothing reads: records fit until its bytes are used up (8-byte header each,
// sizes rounded up to 8), then reserve gives NULL and output -EAGAIN, as a kernel ring buffer
// whose reader never reads.
TEST_F(MapsTest, RingBufferFillsUpWithoutAReader) {
  MapVar var;
  ASSERT_TRUE(maps_.Add(Def(&var, "events", BPF_MAP_TYPE_RINGBUF, 4096, 0, 0)).ok());
  scxtwin_host_api api = {};
  maps_.FillApi(&api);
  char* first = static_cast<char*>(api.ringbuf_reserve(api.maps, &var, 20, 0));
  ASSERT_NE(first, nullptr);
  std::memset(first, 0xab, 20);  // writable, whole
  char* second = static_cast<char*>(api.ringbuf_reserve(api.maps, &var, 8, 0));
  EXPECT_EQ(second - first, 8 + 24) << "its header and the first record rounded up to 8";
  EXPECT_EQ(api.ringbuf_reserve(api.maps, &var, 8, 1), nullptr) << "reserve takes no flags";
  char data[64] = {1, 2, 3};
  EXPECT_EQ(api.ringbuf_output(api.maps, &var, data, sizeof(data), 4), -EINVAL) << "bad flag";
  // 4096 - 32 - 16 bytes left: 56 records of 64 + 8 header bytes (4032), then no room.
  for (int i = 0; i < 56; ++i) ASSERT_EQ(api.ringbuf_output(api.maps, &var, data, 64, 0), 0) << i;
  EXPECT_EQ(api.ringbuf_output(api.maps, &var, data, 64, 0), -EAGAIN);
  EXPECT_EQ(api.ringbuf_reserve(api.maps, &var, 64, 0), nullptr);
  EXPECT_NE(api.ringbuf_reserve(api.maps, &var, 8, 0), nullptr) << "a smaller record still fits";

  MapVar bad;
  EXPECT_EQ(maps_.Add(Def(&bad, "odd_ring", BPF_MAP_TYPE_RINGBUF, 5000, 0, 0)).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(MapsTest, RejectsWhatItCannotSimulateByName) {
  MapVar a, b, c, d;
  absl::Status s = maps_.Add(Def(&a, "user_ring", BPF_MAP_TYPE_USER_RINGBUF, 4096, 0, 0));
  EXPECT_FALSE(s.ok());
  s = maps_.Add(Def(&b, "ringbuf_like", BPF_MAP_TYPE_STACK_TRACE, 4, 4, 8));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(s.message().find("ringbuf_like"), std::string::npos);
  EXPECT_EQ(maps_.Add(Def(&c, "nokey", BPF_MAP_TYPE_HASH, 4, 0, 8)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(maps_.Add(Def(&d, "widekey", BPF_MAP_TYPE_ARRAY, 4, 8, 8)).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace scxtwin::host
