#pragma once

// Bad configs made from good ones in a test: a config file's text, one substitution in it, and
// where a piece of the edited text stands, as an error about it names it ("bad.pbtxt:LINE:COLUMN").
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cascade::testing_support {

inline std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// An accelerator config that imports others as one self-contained text, the imports written out
// where the `import:` line is: each one-line block of the file (`array2d { register_file_depth: 12 }`)
// whose field the import opens as a multi-line block is put inside that block. (Configs import
// this way: configs/arch/cloud_hardware.pbtxt.) A test edits any field of the result in place.
inline std::string self_contained(const std::string& path) {
  const std::string dir = path.substr(0, path.rfind('/') + 1);
  std::istringstream in(file_text(path));
  std::vector<std::string> lines, imported;
  std::string imported_text;
  size_t import_at = std::string::npos;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("import: \"", 0) == 0) {
      import_at = lines.size();
      imported_text += self_contained(dir + line.substr(9, line.find('"', 9) - 9));
      continue;
    }
    lines.push_back(line);
  }
  if (import_at == std::string::npos) return file_text(path);
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    const size_t open = line.find(" { ");
    const std::string block = open == std::string::npos ? "" : line.substr(0, open);
    // The import's line opening that block over several lines ("array2d {   # comment").
    size_t at = block.empty() ? std::string::npos : imported_text.find("\n" + block + " {");
    const size_t eol = at == std::string::npos ? at : imported_text.find('\n', at + 1);
    if (eol != std::string::npos && imported_text.substr(at, eol - at).find('}') != std::string::npos) at = std::string::npos;
    if (at != std::string::npos && line.find(" }") != std::string::npos) {
      const size_t close = line.rfind(" }");
      const size_t insert = eol + 1;
      imported_text.insert(insert, "  " + line.substr(open + 3, close - open - 3) + line.substr(close + 2) + "\n");
      if (i < import_at) --import_at;
      lines.erase(lines.begin() + static_cast<long>(i--));
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == import_at) out += imported_text;
    out += lines[i] + "\n";
  }
  if (import_at >= lines.size()) out += imported_text;
  return out;
}

// A GPU config that takes its SM limits from compute_capabilities.pbtxt beside it, as one
// self-contained text: its compute capability's `limits` block written out after `sm_count`.
inline std::string self_contained_gpu(const std::string& path) {
  std::string text = file_text(path);
  if (text.find("\nlimits {") != std::string::npos) return text;
  const size_t cc = text.find("compute_capability {");
  const std::string row = text.substr(cc, text.find('}', cc) + 1 - cc);
  const std::string table = file_text(path.substr(0, path.rfind('/') + 1) + "compute_capabilities.pbtxt");
  const size_t at = table.find("  limits {", table.find(row));
  const size_t end = table.find("\n  }\n", at) + 5;
  std::istringstream block(table.substr(at, end - at));
  std::string limits;
  for (std::string line; std::getline(block, line);) limits += line.substr(2) + "\n";
  const size_t after = text.find('\n', text.find("sm_count:")) + 1;
  return text.insert(after, limits);
}

// `text` with its first `from` replaced by `to` (a test failure if there is none).
inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

// "bad.pbtxt:LINE:COLUMN" of the first occurrence of `needle`.
inline std::string where(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  const size_t line_start = text.rfind('\n', at) + 1;
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  return "bad.pbtxt:" + std::to_string(line) + ":" + std::to_string(at - line_start + 1);
}

}  // namespace cascade::testing_support
