#include "base/set_value.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace scxtwin {
namespace {

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

TEST(ParseWholeNumber, ReadsDecimalWithSign) {
  auto n = ParseWholeNumber("-42");
  ASSERT_TRUE(n.has_value());
  EXPECT_TRUE(n->negative);
  EXPECT_EQ(n->magnitude, 42u);
  n = ParseWholeNumber("18446744073709551615");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->magnitude, kU64Max);
}

TEST(ParseWholeNumber, RefusesWhatIsNotAPlainNumber) {
  for (const char* bad :
       {"", "-", "+5", " 5", "5 ", "1e3", "5ms", "0x10", "1,2", "--1", "18446744073709551616"}) {
    EXPECT_FALSE(ParseWholeNumber(bad).has_value()) << bad;
  }
}

TEST(ParseWholeNumber, HexOnlyWhereAllowed) {
  EXPECT_FALSE(ParseWholeNumber("0x1f").has_value());
  auto n = ParseWholeNumber("0x1F", NumberBase::kDecimalOrHex);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->magnitude, 31u);
  n = ParseWholeNumber("-0X10", NumberBase::kDecimalOrHex);
  ASSERT_TRUE(n.has_value());
  EXPECT_TRUE(n->negative);
  EXPECT_EQ(n->magnitude, 16u);
  EXPECT_FALSE(ParseWholeNumber("0x", NumberBase::kDecimalOrHex).has_value());
  EXPECT_FALSE(ParseWholeNumber("0xg", NumberBase::kDecimalOrHex).has_value());
  EXPECT_FALSE(ParseWholeNumber("0x10000000000000000", NumberBase::kDecimalOrHex).has_value());
}

TEST(ParseWholeNumber, LeadingZerosAreDecimalNotOctal) {
  auto n = ParseWholeNumber("010", NumberBase::kDecimalOrHex);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->magnitude, 10u);
}

TEST(ParseUnsignedInRange, KeepsToTheBoundsAndRefusesAnyMinus) {
  EXPECT_EQ(ParseUnsignedInRange("100", 100, 200), 100u);
  EXPECT_EQ(ParseUnsignedInRange("200", 100, 200), 200u);
  EXPECT_FALSE(ParseUnsignedInRange("99", 100, 200).has_value());
  EXPECT_FALSE(ParseUnsignedInRange("201", 100, 200).has_value());
  EXPECT_FALSE(ParseUnsignedInRange("-0", 0, 200).has_value());
  EXPECT_EQ(ParseUnsignedInRange("18446744073709551615", 0, kU64Max), kU64Max);
}

TEST(ParseSignedInRange, CoversTheWholeInt64Range) {
  EXPECT_EQ(ParseSignedInRange("-9223372036854775808", kI64Min, kI64Max), kI64Min);
  EXPECT_EQ(ParseSignedInRange("9223372036854775807", kI64Min, kI64Max), kI64Max);
  EXPECT_FALSE(ParseSignedInRange("9223372036854775808", kI64Min, kI64Max).has_value());
  EXPECT_FALSE(ParseSignedInRange("-9223372036854775809", kI64Min, kI64Max).has_value());
  EXPECT_EQ(ParseSignedInRange("-0", 0, 5), 0);
  EXPECT_EQ(ParseSignedInRange("-3", -5, 5), -3);
  EXPECT_FALSE(ParseSignedInRange("-6", -5, 5).has_value());
  EXPECT_FALSE(ParseSignedInRange("6", -5, 5).has_value());
}

TEST(ParseBoolValue, TakesTrueFalseOneZeroInAnyCase) {
  EXPECT_EQ(ParseBoolValue("1"), true);
  EXPECT_EQ(ParseBoolValue("TRUE"), true);
  EXPECT_EQ(ParseBoolValue("true"), true);
  EXPECT_EQ(ParseBoolValue("0"), false);
  EXPECT_EQ(ParseBoolValue("False"), false);
  for (const char* bad : {"", "2", "yes", "on", " 1", "truee"}) {
    EXPECT_FALSE(ParseBoolValue(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace scxtwin
