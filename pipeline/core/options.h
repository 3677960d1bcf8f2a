// Declared-once options.
//
// Every stage has a plain Options struct with defaults (and units in the
// comment). Next to it, a Describe() function lists each field once: name,
// help, unit. That single table feeds `--set stage.option=value`, the config
// file, and `ocrflow stages` (the listing with defaults), so the three never
// disagree.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pipeline/core/status.h"

namespace ocrflow {

template <typename Opts>
struct OptionField {
  using Member = std::variant<double Opts::*, int Opts::*, bool Opts::*, std::string Opts::*>;
  std::string name;
  Member member;
  std::string help;
  std::string unit;  // "chars", "degrees", "" when dimensionless
};

namespace detail {
Status ParseDouble(std::string_view text, double* out);
Status ParseInt(std::string_view text, int* out);
Status ParseBool(std::string_view text, bool* out);
std::string FormatDouble(double v);
}  // namespace detail

// Sets field `name` of `opts` from text; kInvalidArgument names the option
// and the bad value.
template <typename Opts>
Status SetOption(const std::vector<OptionField<Opts>>& fields, Opts& opts, std::string_view name,
                 std::string_view value) {
  for (const auto& f : fields) {
    if (f.name != name) continue;
    Status st;
    std::visit(
        [&](auto member) {
          using T = std::remove_reference_t<decltype(opts.*member)>;
          if constexpr (std::is_same_v<T, double>) {
            st = detail::ParseDouble(value, &(opts.*member));
          } else if constexpr (std::is_same_v<T, int>) {
            st = detail::ParseInt(value, &(opts.*member));
          } else if constexpr (std::is_same_v<T, bool>) {
            st = detail::ParseBool(value, &(opts.*member));
          } else {
            opts.*member = std::string(value);
          }
        },
        f.member);
    if (!st.ok()) return Status(Code::kInvalidArgument, "option " + std::string(name) + ": " + st.message());
    return Status::Ok();
  }
  return Status(Code::kInvalidArgument, "unknown option '" + std::string(name) + "'");
}

// One printable row per option: name, type, default value, unit, help.
struct OptionRow {
  std::string name, type, default_value, unit, help;
};

// GCC 12 warns about the variant branches that a given field never takes
// (a double member read through an int pointer-to-member that cannot occur).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
template <typename Opts>
std::vector<OptionRow> DescribeOptions(const std::vector<OptionField<Opts>>& fields) {
  Opts defaults;
  std::vector<OptionRow> rows;
  for (const auto& f : fields) {
    OptionRow row{f.name, "", "", f.unit, f.help};
    std::visit(
        [&](auto member) {
          using T = std::remove_reference_t<decltype(defaults.*member)>;
          if constexpr (std::is_same_v<T, double>) {
            row.type = "number";
            row.default_value = detail::FormatDouble(defaults.*member);
          } else if constexpr (std::is_same_v<T, int>) {
            row.type = "integer";
            row.default_value = std::to_string(defaults.*member);
          } else if constexpr (std::is_same_v<T, bool>) {
            row.type = "bool";
            row.default_value = (defaults.*member) ? "true" : "false";
          } else {
            row.type = "string";
            row.default_value = defaults.*member;
          }
        },
        f.member);
    rows.push_back(std::move(row));
  }
  return rows;
}
#pragma GCC diagnostic pop

}  // namespace ocrflow
