#include "base/AppendFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/InputError.h"

namespace cascade::base {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int error) {
  throw InputError(path, {}, what + ": " + std::strerror(error));
}

}  // namespace

AppendFile::AppendFile(const std::string& path, uint64_t keep) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0666);
  if (fd_ < 0) fail(path, "cannot write", errno);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail(path, "cannot write", errno);
  if (!S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw InputError(path, {}, "cannot write: not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) < keep) {
    ::close(fd_);
    throw InputError(path, {}, "has " + std::to_string(st.st_size) + " bytes, fewer than the " +
                                   std::to_string(keep) + " its checkpoint counts");
  }
  if (::ftruncate(fd_, static_cast<off_t>(keep)) != 0 || ::lseek(fd_, 0, SEEK_END) < 0) {
    const int error = errno;
    ::close(fd_);
    fail(path, "cannot write", error);
  }
  size_ = keep;
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

void AppendFile::append(std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) fail(path_, "cannot write", errno);
    done += static_cast<size_t>(n);
  }
  size_ += bytes.size();
}

void AppendFile::sync() {
  if (::fdatasync(fd_) != 0) fail(path_, "cannot write", errno);
}

void AppendFile::publish(const std::string& target) {
  sync();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail(path_, "cannot write", errno);
  if (::rename(path_.c_str(), target.c_str()) != 0) fail(target, "cannot write", errno);
  const std::filesystem::path folder = std::filesystem::path(target).parent_path();
  const int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace cascade::base
