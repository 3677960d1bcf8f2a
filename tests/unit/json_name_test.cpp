// File names in JSON (pipeline/io/json_name.h): bytes that are not UTF-8
// survive a round trip through a JSON line exactly, and never make dump()
// throw (issue 16, item 2).
#include "pipeline/io/json_name.h"

#include <gtest/gtest.h>

namespace ocrflow::io {
namespace {

TEST(Base64, KnownVectorsBothWays) {
  // RFC 4648, section 10.
  const std::pair<std::string, std::string> cases[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                       {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, coded] : cases) {
    EXPECT_EQ(Base64Encode(plain), coded);
    EXPECT_EQ(Base64Decode(coded), plain);
  }
  for (const char* bad : {"Zg=", "Z===", "Zm9v!A==", "Zg==Zg==", "=Zg="}) EXPECT_FALSE(Base64Decode(bad)) << bad;
}

TEST(JsonName, EveryByteStringRoundTripsThroughALine) {
  std::string all;
  for (int c = 1; c < 256; ++c) all += static_cast<char>(c);
  for (const std::string& name : {std::string("plain/p1.png"), std::string("a\xff.png"), std::string("\xc3\x28x.png"),
                                  std::string("ok-\xe4\xb8\xad.png"), all}) {
    nlohmann::ordered_json j;
    PutJsonName(j, "source", name);
    std::string line;
    ASSERT_NO_THROW(line = j.dump()) << name;
    auto back = nlohmann::json::parse(line);
    EXPECT_EQ(GetJsonName(back, "source"), name);
    EXPECT_EQ(back.contains("source_b64"), !IsUtf8(name)) << line;
  }
  nlohmann::ordered_json j;
  PutJsonName(j, "source", "a\xff.png");
  EXPECT_EQ(j["source"], "a\\xff.png");  // readable, and valid UTF-8
  EXPECT_EQ(j["source_b64"], "Yf8ucG5n");
  EXPECT_FALSE(GetJsonName(nlohmann::json::object(), "source"));
}

}  // namespace
}  // namespace ocrflow::io
