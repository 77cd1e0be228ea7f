// A .proto compiled by Debian's protoc under Bazel round-trips through binary and text format.
#include <google/protobuf/text_format.h>

#include <string>

#include "gtest/gtest.h"
#include "tests/toolchain/sample.pb.h"

namespace {

TEST(ProtoRoundTrip, BinaryAndText) {
  scxtwin::toolchain::Sample sample;
  sample.set_name("vcpu0");
  sample.add_burst_ns(40000);
  sample.add_burst_ns(2500000);
  (*sample.mutable_knobs())["slice_max_us"] = 5000;

  std::string wire;
  ASSERT_TRUE(sample.SerializeToString(&wire));
  scxtwin::toolchain::Sample decoded;
  ASSERT_TRUE(decoded.ParseFromString(wire));
  EXPECT_EQ(decoded.name(), "vcpu0");
  ASSERT_EQ(decoded.burst_ns_size(), 2);
  EXPECT_EQ(decoded.burst_ns(1), 2500000);
  EXPECT_EQ(decoded.knobs().at("slice_max_us"), 5000);

  scxtwin::toolchain::Sample from_text;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      "name: \"main\" burst_ns: 11000 knobs { key: \"k\" value: 3 }", &from_text));
  EXPECT_EQ(from_text.name(), "main");
  EXPECT_EQ(from_text.knobs().at("k"), 3);
  EXPECT_FALSE(google::protobuf::TextFormat::ParseFromString("nme: \"typo\"", &from_text));
}

}  // namespace
