// A log-linear histogram of durations (8 sub-buckets per power of two, so a percentile is within
// 12.5% of the true value), cheap enough to record every wait of every task.
#ifndef SCXTWIN_SIM_CORE_HISTOGRAM_H_
#define SCXTWIN_SIM_CORE_HISTOGRAM_H_

#include <array>
#include <cstdint>

namespace scxtwin::sim {

class Histogram {
 public:
  static constexpr int kBuckets = 16 + 60 * 8;

  void Add(int64_t v) {
    if (v < 0) v = 0;
    ++counts_[Bucket(v)];
    ++n_;
    sum_ += v;
    if (v > max_) max_ = v;
  }
  void Merge(const Histogram& o) {
    for (int i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
    n_ += o.n_;
    sum_ += o.sum_;
    if (o.max_ > max_) max_ = o.max_;
  }
  int64_t count() const { return n_; }
  int64_t sum() const { return sum_; }
  int64_t max() const { return max_; }
  int64_t mean() const { return n_ ? sum_ / n_ : 0; }
  // The lower bound of the bucket holding the q-quantile (q in [0,1]), capped at max().
  int64_t Quantile(double q) const {
    if (n_ == 0) return 0;
    int64_t rank = static_cast<int64_t>(q * static_cast<double>(n_ - 1));
    for (int i = 0; i < kBuckets; ++i) {
      if (rank < counts_[i]) {
        int64_t lo = LowerBound(i);
        return lo < max_ ? lo : max_;
      }
      rank -= counts_[i];
    }
    return max_;
  }

  static int Bucket(int64_t v) {
    if (v < 16) return static_cast<int>(v);
    const int e = 63 - __builtin_clzll(static_cast<uint64_t>(v));  // >= 4
    const int sub = static_cast<int>((v >> (e - 3)) & 7);
    return 16 + (e - 4) * 8 + sub;
  }
  static int64_t LowerBound(int b) {
    if (b < 16) return b;
    const int e = (b - 16) / 8 + 4;
    const int sub = (b - 16) % 8;
    return (int64_t{8} + sub) << (e - 3);
  }

 private:
  std::array<int64_t, kBuckets> counts_{};
  int64_t n_ = 0, sum_ = 0, max_ = 0;
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_CORE_HISTOGRAM_H_
