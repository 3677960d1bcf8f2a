#include "pipeline/io/json_name.h"

#include "pipeline/io/printable.h"
#include "pipeline/core/utf8_sequence.h"

namespace ocrflow::io {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

template <typename Json>
std::optional<std::string> Get(const Json& j, const std::string& key) {
  if (!j.is_object()) return std::nullopt;
  auto b = j.find(key + "_b64");
  if (b != j.end()) return b->is_string() ? Base64Decode(b->template get<std::string>()) : std::nullopt;
  auto s = j.find(key);
  if (s != j.end() && s->is_string()) return s->template get<std::string>();
  return std::nullopt;
}

}  // namespace

bool IsUtf8(std::string_view s) {
  char32_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    const size_t len = Utf8SequenceAt(s, i, &cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string Base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16 | static_cast<unsigned char>(in[i + 1]) << 8 |
                       static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[v >> 18], out += kAlphabet[(v >> 12) & 63], out += kAlphabet[(v >> 6) & 63], out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kAlphabet[v >> 18], out += kAlphabet[(v >> 12) & 63], out += "==";
  } else if (i + 2 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16 | static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[v >> 18], out += kAlphabet[(v >> 12) & 63], out += kAlphabet[(v >> 6) & 63], out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    const int pad = last ? (in[i + 3] == '=') + (in[i + 2] == '=') : 0;
    if (pad == 1 && in[i + 2] == '=') return std::nullopt;  // "x=y=" is not padding
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const int s = k >= 4 - pad ? 0 : Sextet(in[i + k]);
      if (s < 0) return std::nullopt;
      v = v << 6 | static_cast<unsigned>(s);
    }
    out += static_cast<char>(v >> 16);
    if (pad < 2) out += static_cast<char>((v >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(v & 0xFF);
  }
  return out;
}

void PutJsonName(nlohmann::ordered_json& j, const std::string& key, std::string_view name) {
  if (IsUtf8(name)) {
    j[key] = std::string(name);
    return;
  }
  j[key] = Printable(name);  // valid UTF-8 by construction
  j[key + "_b64"] = Base64Encode(name);
}

std::optional<std::string> GetJsonName(const nlohmann::json& j, const std::string& key) { return Get(j, key); }
std::optional<std::string> GetJsonName(const nlohmann::ordered_json& j, const std::string& key) { return Get(j, key); }

}  // namespace ocrflow::io
