// Writing outputs (base/OutputFile.h): atomically, never over a directory, failures reported.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "TempFolder.h"
#include "base/InputError.h"
#include "base/InputFile.h"

namespace cascade::base {
namespace {

namespace fs = std::filesystem;

std::string write_error(const std::string& path, const std::string& text = "x") {
  try {
    write_output_file(path, text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(OutputFile, ReplacesAFileWholeAndLeavesNoTemporary) {
  const TempFolder t;
  const std::string path = t.file("out", "old content");
  ::chmod(path.c_str(), 0640);
  write_output_file(path, "new");
  EXPECT_EQ(read_input_file(path), "new");
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms(0640));  // the replaced file's mode
  EXPECT_EQ(std::distance(fs::directory_iterator(t.dir.path()), fs::directory_iterator()), 1);
}

TEST(OutputFile, NeverReplacesADirectory) {
  const TempFolder t;
  fs::create_directory(t.path("d"));
  t.file("d/keep", "data");
  EXPECT_EQ(write_error(t.path("d")), t.path("d") + ": error: cannot write: it is a directory");
  EXPECT_EQ(read_input_file(t.path("d/keep")), "data");
}

TEST(OutputFile, MissingFolderAndFullDevice) {
  const TempFolder t;
  EXPECT_EQ(write_error(t.path("no/out")), t.path("no/out") + ": error: cannot write: folder '" + t.path("no") +
                                               "' does not exist");
  // A device is written in place; /dev/full fails every write.
  EXPECT_EQ(write_error("/dev/full"), "/dev/full: error: cannot write: No space left on device");
  write_output_file("/dev/null", "discarded");
}

TEST(OutputFile, WritesThroughASymbolicLink) {
  const TempFolder t;
  const std::string target = t.file("target", "old");
  ASSERT_EQ(::symlink(target.c_str(), t.path("link").c_str()), 0);
  write_output_file(t.path("link"), "new");
  EXPECT_TRUE(fs::is_symlink(t.path("link")));
  EXPECT_EQ(read_input_file(target), "new");
}

TEST(OutputFile, MakeOutputDirectory) {
  const TempFolder t;
  make_output_directory(t.path("a/b"));
  EXPECT_TRUE(fs::is_directory(t.path("a/b")));
  make_output_directory(t.path("a/b"));  // already there
  const std::string file = t.file("f", "x");
  try {
    make_output_directory(file);
    ADD_FAILURE() << "accepted a file";
  } catch (const InputError& e) {
    EXPECT_EQ(e.message(), "cannot create the folder: a file is in the way");
  }
}

TEST(TempDir, RemovedWithItsContent) {
  std::string path;
  {
    const TempDir d;
    path = d.path();
    write_output_file(path + "/f", "x");
    EXPECT_TRUE(fs::is_directory(path));
  }
  EXPECT_FALSE(fs::exists(path));
}

}  // namespace
}  // namespace cascade::base
