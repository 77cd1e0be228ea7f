// The discrete-event core: a priority queue of plain-data events ordered by (time, sequence).
//
// Equal times run in the order they were scheduled (the sequence number breaks ties), which is
// what makes a run deterministic. Events carry a kind and two integer arguments instead of a
// closure: the owner (the simulator) dispatches on the kind with a switch, so the hot path has no
// per-event heap allocation and no std::function. Cancellation is lazy: a handle names a slot
// whose generation is bumped on cancel, and a popped event whose generation no longer matches is
// dropped. There is no global queue: each simulation owns one.
#ifndef SCXTWIN_SIM_ENGINE_EVENT_QUEUE_H_
#define SCXTWIN_SIM_ENGINE_EVENT_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/engine/time.h"

namespace scxtwin::sim {

struct Event {
  SimTime time;
  uint64_t seq;
  uint32_t kind;   // meaning chosen by the owner
  int32_t target;  // e.g. a CPU or task id
  uint64_t arg;
};

// Names one scheduled event so it can be cancelled. Default-constructed: names nothing.
struct EventHandle {
  uint32_t slot = UINT32_MAX;
  uint64_t seq = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

class EventQueue {
 public:
  EventQueue() = default;
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // The current time: that of the last event popped (0 before any). Never decreases.
  SimTime now() const { return now_; }

  // Schedules an event at `time` (>= now(); an earlier time is clamped to now() and counted in
  // past_schedules(), which the invariant checks report).
  EventHandle Schedule(SimTime time, uint32_t kind, int32_t target, uint64_t arg = 0);

  // Cancels a still-pending event. Cancelling a fired, cancelled or empty handle is a no-op.
  // Returns whether an event was cancelled.
  bool Cancel(EventHandle& handle);

  // Whether the handle names an event that has neither fired nor been cancelled.
  bool IsPending(const EventHandle& handle) const {
    return handle.valid() && handle.slot < slots_.size() && slots_[handle.slot].seq == handle.seq;
  }

  // Pops the earliest live event into *out, advancing now(). Returns false when none is left.
  bool Pop(Event* out);

  // Time of the earliest live event, or kTimeNever. Discards cancelled events on the way.
  SimTime PeekTime();

  size_t pending() const { return live_; }
  uint64_t scheduled_total() const { return next_seq_; }
  uint64_t past_schedules() const { return past_schedules_; }

 private:
  // The heap holds only the ordering key, 16 bytes, four to a cache line; the payload sits in
  // its slot. key = seq << kSlotBits | slot: seqs are unique, so (time, key) orders as
  // (time, seq), and a slot whose seq no longer matches marks a cancelled entry.
  static constexpr int kSlotBits = 24;
  static constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;
  static constexpr uint64_t kFree = UINT64_MAX;
  // (time, key) as one unsigned 128-bit number: time (>= 0) high, key low, so the heap's
  // comparison is a single integer compare.
  using Entry = unsigned __int128;
  static Entry MakeEntry(SimTime time, uint64_t key) {
    return (static_cast<Entry>(static_cast<uint64_t>(time)) << 64) | key;
  }
  static SimTime TimeOf(Entry e) { return static_cast<SimTime>(static_cast<uint64_t>(e >> 64)); }
  static uint64_t KeyOf(Entry e) { return static_cast<uint64_t>(e); }
  struct Slot {
    uint64_t seq = kFree;
    uint32_t kind = 0;
    int32_t target = 0;
    uint64_t arg = 0;
  };
  static bool Later(Entry a, Entry b) { return a > b; }
  bool Live(Entry e) const { return slots_[KeyOf(e) & kSlotMask].seq == (KeyOf(e) >> kSlotBits); }
  void SiftUp(size_t i);
  void PopTop();

  std::vector<Entry> heap_;  // 4-ary min-heap on (time, key)
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  SimTime now_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t past_schedules_ = 0;
  size_t live_ = 0;
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_ENGINE_EVENT_QUEUE_H_
