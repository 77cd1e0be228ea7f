// The simulator's random streams: xoshiro256** seeded through splitmix64, written here (not
// <random>'s distributions, whose algorithms vary between standard libraries) so that a seed
// gives the same numbers everywhere. Each task and each process template has its own stream,
// derived from (run seed, stream key), so a task draws the same bursts under every policy.
#ifndef SCXTWIN_SIM_ENGINE_RNG_H_
#define SCXTWIN_SIM_ENGINE_RNG_H_

#include <cstdint>

namespace scxtwin::sim {

inline uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline void SeedStream(uint64_t state[4], uint64_t seed, uint64_t key_a, uint64_t key_b) {
  uint64_t x = seed ^ (key_a * 0x9e3779b97f4a7c15ULL) ^ (key_b * 0xc2b2ae3d27d4eb4fULL);
  for (int i = 0; i < 4; ++i) state[i] = SplitMix64(x);
}

inline uint64_t NextRandom(uint64_t s[4]) {
  auto rotl = [](uint64_t v, int k) { return (v << k) | (v >> (64 - k)); };
  const uint64_t result = rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

// Uniform in (0, 1], never 0 (safe for log).
inline double NextUnit(uint64_t s[4]) {
  return (static_cast<double>(NextRandom(s) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_ENGINE_RNG_H_
