#include "sim/experiment/svg_chart.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace scxtwin::experiment {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int Count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(ChartSvg, OnePathPerSeriesNamedAndEscaped) {
  Chart c;
  c.title = "a <b> & c";
  c.x_label = "runs";
  c.y_label = "s";
  c.series = {{"best \"so far\"", {{0, 1}, {10, 0.5}, {20, 0.4}}}, {"defaults", {{0, 1}, {20, 1}}}};
  const std::string svg = ChartSvg(c);
  EXPECT_THAT(svg, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_EQ(Count(svg, "class=\"series\""), 2);
  EXPECT_THAT(svg, HasSubstr("data-name=\"best &quot;so far&quot;\""));
  EXPECT_THAT(svg, HasSubstr("<title>a &lt;b&gt; &amp; c</title>"));
  EXPECT_THAT(svg, Not(HasSubstr("<b>")));
  EXPECT_EQ(Count(svg, "<svg"), 1);
  EXPECT_EQ(Count(svg, "</svg>"), 1);
  // Straight segments: one L per point after the first; steps add one per point.
  EXPECT_THAT(svg, HasSubstr("d=\"M70.00 "));
  c.steps = true;
  const std::string stepped = ChartSvg(c);
  EXPECT_GT(Count(stepped, " L"), Count(svg, " L"));
  EXPECT_EQ(ChartSvg(c), stepped);  // same data, same bytes
}

TEST(ChartSvg, EmptyAndFlatDataStillDrawAFrame) {
  Chart c;
  c.series = {{"none", {}}, {"flat", {{1, 2}, {1, 2}}}};
  const std::string svg = ChartSvg(c);
  EXPECT_EQ(Count(svg, "class=\"series\""), 2);
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
  EXPECT_THAT(svg, Not(HasSubstr("inf")));
}

TEST(CdfChart, StepsFromZeroToOne) {
  Chart c = CdfChart("t", "boot, s", {{"eevdf", {3, 1, 2}}, {"homing", {1.5}}});
  ASSERT_EQ(c.series.size(), 2u);
  const auto& p = c.series[0].points;
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0], std::make_pair(1.0, 0.0));
  EXPECT_EQ(p[1], std::make_pair(1.0, 1.0 / 3));
  EXPECT_EQ(p[3], std::make_pair(3.0, 1.0));
  EXPECT_TRUE(c.steps);
}

}  // namespace
}  // namespace scxtwin::experiment
