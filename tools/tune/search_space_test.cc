#include "tools/tune/search_space.h"

#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace scxtwin::tune {
namespace {

using ::testing::HasSubstr;

std::vector<KnobSpec> Table() {
  return {{"slice_us", 20000, 100, 1000000, "slice"},
          {"credit_us", 0, 0, 1000000, "credit"},
          {"flag", 1, 0, 1, "a switch"},
          {"count", 3, 1, 8, "a small count"}};
}

TEST(SearchSpace, FromTheTableWithScales) {
  auto s = SpaceFromTable("p", Table(), {});
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->dims.size(), 4u);
  EXPECT_TRUE(s->dims[0].log_scale);
  EXPECT_TRUE(s->dims[1].log_scale);
  EXPECT_FALSE(s->dims[2].log_scale);
  EXPECT_FALSE(s->dims[3].log_scale);
  EXPECT_EQ(s->Defaults(), (Candidate{20000, 0, 1, 3}));
  auto only = SpaceFromTable("p", Table(), {"flag"});
  ASSERT_TRUE(only.ok());
  ASSERT_EQ(only->dims.size(), 1u);
  EXPECT_EQ(only->dims[0].name, "flag");
  auto bad = SpaceFromTable("p", Table(), {"slice_max_us"});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("--knob=slice_max_us: policy p has no such knob "
                                                "(its knobs: slice_us, credit_us, flag, count)"));
}

TEST(SearchSpace, DrawsAreDistinctInRangeDeterministicAndStartAtTheDefaults) {
  auto s = *SpaceFromTable("p", Table(), {});
  auto a = DrawCandidates(s, 200, 7);
  ASSERT_EQ(a.size(), 200u);
  EXPECT_EQ(a[0], s.Defaults());
  EXPECT_EQ(std::set<Candidate>(a.begin(), a.end()).size(), a.size());
  int small_slices = 0, zero_credit = 0;
  for (const Candidate& c : a) {
    for (size_t d = 0; d < s.dims.size(); ++d) {
      EXPECT_GE(c[d], s.dims[d].min);
      EXPECT_LE(c[d], s.dims[d].max);
    }
    small_slices += c[0] < 10000 ? 1 : 0;  // log-uniform: 2 of 4 decades below 10 ms
    zero_credit += c[1] == 0 ? 1 : 0;
  }
  EXPECT_GT(small_slices, 60);
  EXPECT_LT(small_slices, 140);
  EXPECT_GT(zero_credit, 5);  // a range from 0 keeps 0 reachable
  EXPECT_EQ(DrawCandidates(s, 200, 7), a);
  EXPECT_NE(DrawCandidates(s, 200, 8), a);
}

TEST(SearchSpace, ASmallSpaceGivesEveryPointOnce) {
  SearchSpace s;
  s.dims = {MakeDimension("a", 0, 1, 1), MakeDimension("b", 0, 2, 0)};
  auto all = DrawCandidates(s, 50, 1);
  EXPECT_EQ(all.size(), 6u);
}

TEST(SearchSpace, KnobRanges) {
  auto d = ParseKnobRange("slice_ns=1000..5000000", 20000000);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->name, "slice_ns");
  EXPECT_EQ(d->min, 1000);
  EXPECT_EQ(d->max, 5000000);
  EXPECT_EQ(d->default_value, 5000000);  // clamped into the range
  for (const char* bad : {"slice_ns", "slice_ns=5..1", "=1..2", "x=a..b", "x=1-2"}) {
    auto e = ParseKnobRange(bad, 0);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_THAT(e.status().message(), HasSubstr("expected NAME=MIN..MAX"));
  }
}

TEST(SearchSpace, Format) {
  auto s = *SpaceFromTable("p", Table(), {});
  EXPECT_EQ(FormatCandidate(s, s.Defaults()), "slice_us=20000 credit_us=0 flag=1 count=3");
}

}  // namespace
}  // namespace scxtwin::tune
