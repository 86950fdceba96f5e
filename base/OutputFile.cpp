#include "base/OutputFile.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "base/InputError.h"

namespace cascade::base {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw InputError(path, {}, message);
}

std::string reason(int error) { return std::strerror(error); }

// Writes all of `bytes`; false (errno set) on the first failure.
bool write_all(int fd, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// The file a path names: a symbolic link's target (the link stays a link), else the path itself.
std::string resolve(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
  char resolved[PATH_MAX];
  if (!::realpath(path.c_str(), resolved)) {
    if (errno == ENOENT) {
      // A link to a file not yet there: the file is created where the link points.
      std::error_code ec;
      const fs::path target = fs::read_symlink(path, ec);
      if (ec) fail(path, "cannot write: " + ec.message());
      return (target.is_absolute() ? target : fs::path(path).parent_path() / target).string();
    }
    fail(path, "cannot write: " + reason(errno));
  }
  return resolved;
}

// A device, FIFO or socket: written in place (it has no folder entry to replace).
void write_in_place(const std::string& path, const std::string& target, std::string_view bytes) {
  // O_NONBLOCK only to open: a FIFO without a reader is an error, not a wait forever.
  const int fd = ::open(target.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) fail(path, "cannot write: " + reason(errno));
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  const bool written = write_all(fd, bytes);
  const int write_error = errno;
  if (::close(fd) != 0 && written) fail(path, "cannot write: " + reason(errno));
  if (!written) fail(path, "cannot write: " + reason(write_error));
}

mode_t creation_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

}  // namespace

void check_output_path(const std::string& path) {
  if (path.empty()) fail(path, "cannot write: the path is empty");
  const std::string target = resolve(path);
  std::error_code ec;
  if (fs::is_directory(target, ec)) fail(path, "cannot write: it is a directory");
  const fs::path folder = fs::path(target).parent_path();
  if (!folder.empty() && !fs::is_directory(folder, ec))
    fail(path, "cannot write: folder '" + folder.string() + "' does not exist");
}

void write_output_file(const std::string& path, std::string_view bytes) {
  check_output_path(path);
  const std::string target = resolve(path);
  struct stat st {};
  const bool exists = ::stat(target.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) return write_in_place(path, target, bytes);

  const fs::path target_path(target);
  const fs::path folder = target_path.parent_path().empty() ? fs::path(".") : target_path.parent_path();
  // A hidden temporary beside the target, so that the rename stays within one file system.
  std::string stem = target_path.filename().string();
  if (stem.size() > 200) stem.resize(200);
  std::string temp = (folder / ("." + stem + ".tmp.XXXXXX")).string();
  std::vector<char> name(temp.begin(), temp.end());
  name.push_back('\0');
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) fail(path, "cannot write: " + reason(errno));
  temp = name.data();
  const auto abandon = [&](int error) {
    ::unlink(temp.c_str());
    fail(path, "cannot write: " + reason(error));
  };
  // The permissions a plain open() would give, or the replaced file's.
  if (::fchmod(fd, exists ? (st.st_mode & 07777) : creation_mode()) != 0) {
    const int error = errno;
    ::close(fd);
    abandon(error);
  }
  if (!write_all(fd, bytes) || ::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    abandon(error);
  }
  if (::close(fd) != 0) abandon(errno);
  if (::rename(temp.c_str(), target.c_str()) != 0) abandon(errno);
  // The rename itself reaches the disk with the folder's entry.
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

void make_output_directory(const std::string& dir) {
  if (dir.empty()) fail(dir, "cannot create the folder: the path is empty");
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) fail(dir, "cannot create the folder: a file is in the way");
  fs::create_directories(dir, ec);
  if (ec) fail(dir, "cannot create the folder: " + ec.message());
}

TempDir::TempDir() {
  std::error_code ec;
  const fs::path base = fs::temp_directory_path(ec);
  std::string pattern = ((ec ? fs::path("/tmp") : base) / "cascade.XXXXXX").string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (!::mkdtemp(name.data()))
    throw InputError(pattern, {}, "cannot create a temporary folder: " + reason(errno));
  path_ = name.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace cascade::base
