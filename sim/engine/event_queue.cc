#include "sim/engine/event_queue.h"

namespace scxtwin::sim {

EventHandle EventQueue::Schedule(SimTime time, uint32_t kind, int32_t target, uint64_t arg) {
  if (time < now_) {
    ++past_schedules_;
    time = now_;
  }
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    if (slot > kSlotMask) __builtin_trap();  // 16M events pending at once
    slots_.emplace_back();
  }
  const uint64_t seq = next_seq_++;
  slots_[slot] = Slot{seq, kind, target, arg};
  heap_.push_back(MakeEntry(time, (seq << kSlotBits) | slot));
  SiftUp(heap_.size() - 1);
  ++live_;
  return EventHandle{slot, seq};
}

bool EventQueue::Cancel(EventHandle& handle) {
  const bool pending = IsPending(handle);
  if (pending) {
    // The heap entry stays and is dropped when it surfaces (its seq no longer matches the
    // slot's); the slot is free for reuse at once.
    slots_[handle.slot].seq = kFree;
    free_slots_.push_back(handle.slot);
    --live_;
  }
  handle = EventHandle{};
  return pending;
}

// A 4-ary heap: half the depth of a binary one, and a node's children share a cache line or two.
void EventQueue::SiftUp(size_t i) {
  Entry e = heap_[i];
  while (i > 0) {
    size_t parent = (i - 1) / 4;
    if (!Later(heap_[parent], e)) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

// Removing the top (Floyd): walk the hole down along the smallest children to a leaf, then put
// the last entry there and sift it up. The last entry is usually among the largest, so it
// rarely climbs, and each level costs only the children's comparisons.
void EventQueue::PopTop() {
  const Entry last = heap_.back();
  heap_.pop_back();
  const size_t n = heap_.size();
  if (n == 0) return;
  size_t hole = 0;
  for (;;) {
    const size_t first = 4 * hole + 1;
    if (first >= n) break;
    size_t best;
    if (first + 4 <= n) {
      // A full node: a small tournament, independent compares the CPU can overlap.
      const size_t a = Later(heap_[first], heap_[first + 1]) ? first + 1 : first;
      const size_t b = Later(heap_[first + 2], heap_[first + 3]) ? first + 3 : first + 2;
      best = Later(heap_[a], heap_[b]) ? b : a;
    } else {
      best = first;
      for (size_t c = first + 1; c < n; ++c) {
        if (Later(heap_[best], heap_[c])) best = c;
      }
    }
    heap_[hole] = heap_[best];
    hole = best;
  }
  heap_[hole] = last;
  SiftUp(hole);
}

SimTime EventQueue::PeekTime() {
  while (!heap_.empty()) {
    if (Live(heap_[0])) return TimeOf(heap_[0]);
    PopTop();  // cancelled
  }
  return kTimeNever;
}

bool EventQueue::Pop(Event* out) {
  while (!heap_.empty()) {
    const Entry top = heap_[0];
    PopTop();
    if (!Live(top)) continue;  // cancelled
    const uint32_t slot = static_cast<uint32_t>(KeyOf(top) & kSlotMask);
    Slot& s = slots_[slot];
    const SimTime time = TimeOf(top);
    // Invariant: time never goes back. Schedule clamps, so this holds by construction; the
    // check guards the heap itself.
    if (time < now_) __builtin_trap();
    now_ = time;
    *out = Event{time, s.seq, s.kind, s.target, s.arg};
    s.seq = kFree;
    free_slots_.push_back(slot);
    --live_;
    return true;
  }
  return false;
}

}  // namespace scxtwin::sim
