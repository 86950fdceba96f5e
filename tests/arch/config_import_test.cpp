// Accelerator configs that import shared blocks: the cloud configs equal their self-contained
// texts; a field's error names the file that wrote it; cycles, missing files and deep chains are
// errors at the import.
#include <gtest/gtest.h>

#include "../base/TempFolder.h"
#include "../support/ConfigTextEdits.h"
#include "ModelTestSupport.h"
#include "arch/ArchConfig.h"

namespace cascade::arch {
namespace {

using testing_support::source_path;

std::string error_of(const std::string& path) {
  try {
    ArchConfig::load(path);
  } catch (const base::InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(ConfigImport, CloudConfigsEqualTheirSelfContainedTexts) {
  for (const char* name : {"fusemax_cloud", "flat_cloud", "unfused_cloud"}) {
    const std::string path = source_path(std::string("configs/arch/") + name + ".pbtxt");
    const ArchConfig imported = ArchConfig::load(path);
    const ArchConfig whole(cascade::testing_support::self_contained(path), "whole.pbtxt");
    std::string a, b;
    imported.proto().SerializeToString(&a);
    whole.proto().SerializeToString(&b);
    EXPECT_EQ(a, b) << name;
    EXPECT_EQ(imported.proto().array2d().rows(), 256u) << name;  // from cloud_hardware.pbtxt
    EXPECT_GT(imported.proto().array2d().register_file_depth(), 0u) << name;  // its own
  }
}

const char* kChild = "name: \"c\"\nfusemax {}\nimport: \"base.pbtxt\"\n";

TEST(ConfigImport, ErrorsNameTheFileThatWroteTheField) {
  const base::TempFolder t;
  // The fusemax config's hardware, with a bad clock in the imported file (line 2 there).
  std::string hardware = cascade::testing_support::file_text(source_path("configs/arch/cloud_hardware.pbtxt"));
  hardware = cascade::testing_support::replaced(hardware, "clock_hz: 940e6", "clock_hz: -1");
  const std::string base = t.file("base.pbtxt", hardware);
  const std::string child = t.file("c.pbtxt", kChild);
  const std::string message = error_of(child);
  EXPECT_EQ(message.substr(0, base.size() + 1), base + ":") << message;
  EXPECT_NE(message.find("clock_hz: -1 is not a finite number of at least 0"), std::string::npos) << message;
}

TEST(ConfigImport, CyclesMissingFilesAndDeepChains) {
  const base::TempFolder t;
  t.file("a.pbtxt", "import: \"b.pbtxt\"\n");
  t.file("b.pbtxt", "import: \"a.pbtxt\"\n");
  const std::string top = t.file("top.pbtxt", "name: \"t\"\nfusemax {}\nimport: \"a.pbtxt\"\n");
  EXPECT_EQ(error_of(top), t.path("b.pbtxt") + ":1:1: error: import 'a.pbtxt': a cycle of imports (" + t.path("a.pbtxt") +
                               " imports itself)");
  const std::string missing = t.file("m.pbtxt", "name: \"m\"\nfusemax {}\nimport: \"nowhere.pbtxt\"\n");
  EXPECT_EQ(error_of(missing).rfind(missing + ":3:1: error: import 'nowhere.pbtxt': ", 0), 0u) << error_of(missing);
  // A chain of 10 files, each importing the next: deeper than 8 levels.
  for (int i = 0; i < 10; ++i)
    t.file("d" + std::to_string(i) + ".pbtxt", "import: \"d" + std::to_string(i + 1) + ".pbtxt\"\n");
  t.file("d10.pbtxt", "");
  const std::string deep = t.file("deep.pbtxt", "name: \"d\"\nfusemax {}\nimport: \"d0.pbtxt\"\n");
  EXPECT_NE(error_of(deep).find("imports nest deeper than 8 levels"), std::string::npos) << error_of(deep);
}

}  // namespace
}  // namespace cascade::arch
