#include "app/sweep/SweepJournal.h"

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <map>
#include <sstream>

#include "base/InputError.h"
#include "base/InputFile.h"
#include "base/OutputFile.h"
#include "base/Text.h"

namespace cascade::app {
namespace {

constexpr const char* kMagic = "cascade sweep checkpoint 1";

struct Checkpoint {
  uint64_t fingerprint = 0, csv_bytes = 0, jsonl_bytes = 0, with_jsonl = 0;
  SweepCounts counts;
};

std::string checkpoint_text(const Checkpoint& c) {
  return std::string(kMagic) + "\nfingerprint " + std::to_string(c.fingerprint) + "\nnext " +
         std::to_string(c.counts.next) + "\nrows " + std::to_string(c.counts.rows) + "\nerrors " +
         std::to_string(c.counts.errors) + "\ndropped " + std::to_string(c.counts.dropped) + "\ncsv_bytes " +
         std::to_string(c.csv_bytes) + "\njsonl_bytes " + std::to_string(c.jsonl_bytes) +
         "\nwith_jsonl " + std::to_string(c.with_jsonl) + "\n";
}

// A checkpoint as written by checkpoint_text; anything else is a damaged one.
Checkpoint parse_checkpoint(const std::string& path) {
  const std::string text = base::read_input_file(path, 4096);
  const auto damaged = [&](const std::string& why) -> Checkpoint {
    throw base::InputError(path, {}, "damaged sweep checkpoint (" + why + "); remove it and the .part files to start over");
  };
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kMagic) return damaged("not a checkpoint");
  std::map<std::string, uint64_t> fields;
  while (std::getline(in, line)) {
    const auto space = line.find(' ');
    uint64_t v = 0;
    const char* begin = line.data() + (space == std::string::npos ? line.size() : space + 1);
    const auto [end, ec] = std::from_chars(begin, line.data() + line.size(), v);
    if (space == std::string::npos || ec != std::errc() || end != line.data() + line.size())
      return damaged("line '" + base::printable(line) + "'");
    fields[line.substr(0, space)] = v;
  }
  Checkpoint c;
  for (const auto& [name, field] :
       std::map<std::string, uint64_t*>{{"fingerprint", &c.fingerprint}, {"next", &c.counts.next},
                                        {"rows", &c.counts.rows}, {"errors", &c.counts.errors},
                                        {"dropped", &c.counts.dropped}, {"csv_bytes", &c.csv_bytes},
                                        {"jsonl_bytes", &c.jsonl_bytes}, {"with_jsonl", &c.with_jsonl}}) {
    const auto it = fields.find(name);
    if (it == fields.end()) return damaged("no " + name);
    *field = it->second;
  }
  if (c.counts.rows + c.counts.dropped != c.counts.next || c.counts.errors > c.counts.rows)
    return damaged("its counts disagree");
  return c;
}

}  // namespace

SweepJournal::SweepJournal(const std::string& csv, const std::string& jsonl, uint64_t fingerprint,
                           const std::string& csv_header, bool resume)
    : csv_(csv), jsonl_(jsonl), checkpoint_(csv + ".resume"), fingerprint_(fingerprint) {
  std::error_code ec;
  const bool interrupted = std::filesystem::exists(checkpoint_, ec);
  if (interrupted && !resume)
    throw base::InputError(checkpoint_, {}, "an interrupted sweep's checkpoint: add --resume to go on from it, "
                                            "or remove it and " + csv + ".part to start over");
  Checkpoint c;
  if (interrupted) {
    c = parse_checkpoint(checkpoint_);
    if (c.fingerprint != fingerprint_)
      throw base::InputError(checkpoint_, {}, "the interrupted sweep had another spec, architectures or workloads; "
                                              "remove the checkpoint and " + csv + ".part to start over");
    if ((c.with_jsonl != 0) != !jsonl.empty())
      throw base::InputError(checkpoint_, {}, std::string("the interrupted sweep wrote ") +
                                                  (c.with_jsonl ? "" : "no ") + "JSON Lines: resume it with the same outputs");
    // Killed while the finished files took their names: they go back to being parts.
    for (const auto& [file, bytes] : {std::pair{csv, c.csv_bytes}, std::pair{jsonl, c.jsonl_bytes}}) {
      if (file.empty() || std::filesystem::exists(file + ".part", ec)) continue;
      if (std::filesystem::is_regular_file(file, ec) && std::filesystem::file_size(file, ec) == bytes)
        std::filesystem::rename(file, file + ".part", ec);
    }
    counts_ = c.counts;
  }
  csv_part_ = std::make_unique<base::AppendFile>(csv + ".part", interrupted ? c.csv_bytes : 0);
  if (!jsonl.empty()) jsonl_part_ = std::make_unique<base::AppendFile>(jsonl + ".part", interrupted ? c.jsonl_bytes : 0);
  if (!interrupted) append(csv_header, "", counts_);
}

void SweepJournal::append(const std::string& csv_rows, const std::string& jsonl_rows, const SweepCounts& counts) {
  csv_part_->append(csv_rows);
  if (jsonl_part_) jsonl_part_->append(jsonl_rows);
  csv_part_->sync();
  if (jsonl_part_) jsonl_part_->sync();
  counts_ = counts;
  Checkpoint c{fingerprint_, csv_part_->size(), jsonl_part_ ? jsonl_part_->size() : 0, jsonl_part_ ? 1u : 0u,
               counts_};
  base::write_output_file(checkpoint_, checkpoint_text(c));
}

void SweepJournal::finish() {
  if (jsonl_part_) jsonl_part_->publish(jsonl_);
  csv_part_->publish(csv_);
  if (::unlink(checkpoint_.c_str()) != 0)
    throw base::InputError(checkpoint_, {}, "cannot remove the finished sweep's checkpoint");
}

}  // namespace cascade::app
