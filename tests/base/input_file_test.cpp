// Reading untrusted input files (base/InputFile.h): only regular files, within a size limit.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "TempFolder.h"
#include "base/InputError.h"
#include "base/InputFile.h"

namespace cascade::base {
namespace {

std::string error_of(const std::string& path, uint64_t limit = kMaxConfigBytes) {
  try {
    read_input_file(path, limit);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(InputFile, ReadsARegularFileWhole) {
  const TempFolder t;
  const std::string text = std::string("binary\0bytes\n", 13);
  EXPECT_EQ(read_input_file(t.file("a", text)), text);
  EXPECT_EQ(read_input_file(t.file("empty", "")), "");
}

TEST(InputFile, RefusesWhatIsNotARegularFile) {
  const TempFolder t;
  ASSERT_EQ(::mkfifo(t.path("fifo").c_str(), 0600), 0);
  // Opened without blocking (no writer), then refused by type: the test returns at once.
  EXPECT_EQ(error_of(t.path("fifo")), t.path("fifo") + ": error: not a regular file (a device, FIFO or socket)");
  EXPECT_EQ(error_of("/dev/zero"), "/dev/zero: error: not a regular file (a device, FIFO or socket)");
  EXPECT_EQ(error_of(t.dir.path()), t.dir.path() + ": error: is a directory, not a file");
  EXPECT_EQ(error_of(t.path("missing")), t.path("missing") + ": error: cannot open file: No such file or directory");
  EXPECT_EQ(error_of(""), "<input>: error: cannot open file: the path is empty");
}

TEST(InputFile, RefusesAFileOverTheLimit) {
  const TempFolder t;
  const std::string path = t.file("big", std::string(2 << 20, 'x'));
  EXPECT_EQ(error_of(path, 1 << 20), path + ": error: the file has 2097152 bytes, more than the 1 MiB an input of "
                                            "this kind may have");
  EXPECT_EQ(read_input_file(path, 2 << 20).size(), size_t{2} << 20);
}

}  // namespace
}  // namespace cascade::base
