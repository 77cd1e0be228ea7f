// A fixed-capacity set of CPU ids (a bitmap sized for the machine), for affinities and idle masks.
#ifndef SCXTWIN_SIM_MACHINE_CPUSET_H_
#define SCXTWIN_SIM_MACHINE_CPUSET_H_

#include <cstdint>
#include <vector>

namespace scxtwin::sim {

class CpuSet {
 public:
  CpuSet() = default;
  explicit CpuSet(int nr_cpus, bool full = false) : nr_(nr_cpus), words_((nr_cpus + 63) / 64, 0) {
    if (full) {
      for (int c = 0; c < nr_cpus; ++c) Set(c);
    }
  }
  int capacity() const { return nr_; }
  bool Test(int cpu) const {
    return cpu >= 0 && cpu < nr_ && ((words_[cpu >> 6] >> (cpu & 63)) & 1);
  }
  void Set(int cpu) { words_[cpu >> 6] |= uint64_t{1} << (cpu & 63); }
  void Clear(int cpu) { words_[cpu >> 6] &= ~(uint64_t{1} << (cpu & 63)); }
  // Clears cpu and says whether it was set (the idle-mask claim).
  bool TestAndClear(int cpu) {
    if (!Test(cpu)) return false;
    Clear(cpu);
    return true;
  }
  int Count() const {
    int n = 0;
    for (uint64_t w : words_) n += __builtin_popcountll(w);
    return n;
  }
  bool Empty() const {
    for (uint64_t w : words_)
      if (w) return false;
    return true;
  }
  // First set CPU >= from, or -1.
  int Next(int from) const {
    if (from < 0) from = 0;
    if (from >= nr_) return -1;
    size_t i = from >> 6;
    uint64_t w = words_[i] & (~uint64_t{0} << (from & 63));
    for (;;) {
      if (w) {
        int c = static_cast<int>(i * 64 + __builtin_ctzll(w));
        return c < nr_ ? c : -1;
      }
      if (++i >= words_.size()) return -1;
      w = words_[i];
    }
  }
  int First() const { return Next(0); }
  const std::vector<uint64_t>& words() const { return words_; }
  std::vector<uint64_t>& mutable_words() { return words_; }
  bool operator==(const CpuSet& o) const { return nr_ == o.nr_ && words_ == o.words_; }

 private:
  int nr_ = 0;
  std::vector<uint64_t> words_;
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_MACHINE_CPUSET_H_
