// File names in JSON, losslessly (issue 16, item 2).
//
// A file name on Linux is bytes, not text: `a\xff.png` is a valid inbox
// name. JSON strings must be UTF-8 (nlohmann's dump throws type_error.316
// on anything else), so a name goes into an object as
//   "source": "<the name>"                        when it is valid UTF-8;
//   "source": "a\\xff.png", "source_b64": "Yf8ucG5n"
//                                                 when it is not: a readable
//     form (io::Printable: bad bytes as \xNN) and the exact bytes in base64
//     (RFC 4648, with padding), which is what a reader should use.
// GetJsonName() reads either form back to the original bytes.
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace ocrflow::io {

bool IsUtf8(std::string_view bytes);

std::string Base64Encode(std::string_view bytes);
// nullopt when `text` is not base64 (bad character, bad length or padding).
std::optional<std::string> Base64Decode(std::string_view text);

// j[key] = name, and j[key + "_b64"] when `name` is not UTF-8.
void PutJsonName(nlohmann::ordered_json& j, const std::string& key, std::string_view name);

// The bytes PutJsonName stored under `key`: key_b64 when present, else the
// string at key; nullopt when neither is there (or key_b64 is not base64).
std::optional<std::string> GetJsonName(const nlohmann::json& j, const std::string& key);
std::optional<std::string> GetJsonName(const nlohmann::ordered_json& j, const std::string& key);

}  // namespace ocrflow::io
