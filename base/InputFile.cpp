#include "base/InputFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/InputError.h"

namespace cascade::base {
namespace {

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string mebibytes(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

std::string read_input_file(const std::string& path, uint64_t max_bytes) {
  const auto fail = [&](const std::string& message) -> std::string { throw InputError(path, {}, message); };
  if (path.empty()) fail("cannot open file: the path is empty");
  // O_NONBLOCK: opening a FIFO must not wait for a writer; the type check below then refuses it.
  const Descriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) fail(std::string("cannot open file: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail(std::string("cannot read file: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) fail("is a directory, not a file");
  if (!S_ISREG(st.st_mode)) fail("not a regular file (a device, FIFO or socket)");
  if (static_cast<uint64_t>(st.st_size) > max_bytes)
    fail("the file has " + std::to_string(st.st_size) + " bytes, more than the " + mebibytes(max_bytes) +
         " an input of this kind may have");
  std::string text;
  text.reserve(static_cast<size_t>(st.st_size));
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(std::string("cannot read file: ") + std::strerror(errno));
    if (n == 0) break;
    // The file may grow while it is read: the limit holds whatever fstat said.
    if (text.size() + static_cast<size_t>(n) > max_bytes)
      fail("the file has more than the " + mebibytes(max_bytes) + " an input of this kind may have");
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

std::string directory_of(const std::string& path) { return path.substr(0, path.rfind('/') + 1); }

}  // namespace cascade::base
