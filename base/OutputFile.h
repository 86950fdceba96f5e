#pragma once

#include <string>
#include <string_view>

namespace cascade::base {

// Writes `bytes` to `path` so that nothing is lost or half-written: into a temporary file beside
// it, flushed to disk (fsync), then renamed over it, so a reader sees the old file or the new one,
// never a part. A path that names a device or FIFO (/dev/stdout, /dev/null) is written in place.
// A symbolic link is written through to its target. Every failure (a missing folder, a directory
// at the path, no permission, a full disk) is an InputError naming the path and the reason; the
// temporary file is removed and an existing file at the path is left as it was.
void write_output_file(const std::string& path, std::string_view bytes);

// Fails early, before long work, where `write_output_file(path, ...)` certainly would: an empty
// path, a folder that does not exist, a directory at the path. (Permissions and space can still
// fail at the write.)
void check_output_path(const std::string& path);

// Creates `dir` and its parents if missing; an InputError if it cannot, or if the path exists and
// is not a directory.
void make_output_directory(const std::string& dir);

// A private folder under the system's temporary directory ($TMPDIR, else /tmp), removed with
// everything in it when this object goes away: for programs that write files we then publish
// with write_output_file (gnuplot's charts).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace cascade::base
