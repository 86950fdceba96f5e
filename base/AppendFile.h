#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cascade::base {

// A file that long work appends to as it goes, so that an interrupted run keeps what it wrote:
// every write is checked, `sync` makes what was written durable, and `publish` renames the
// finished file to its name in one step. Every failure (a missing folder, no permission, a full
// disk) is an InputError naming the path and the reason.
class AppendFile {
 public:
  // Opens (creating) `path` and keeps its first `keep` bytes, cutting what follows (0: empties
  // it); an InputError if the file has fewer than `keep` bytes or is not a regular file.
  AppendFile(const std::string& path, uint64_t keep);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  void append(std::string_view bytes);
  // Flushes what was appended to the disk.
  void sync();
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Syncs, closes and renames the file to `target` (same folder), then syncs the folder.
  void publish(const std::string& target);

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace cascade::base
