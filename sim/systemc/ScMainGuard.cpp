// libsystemc.so is linked with BIND_NOW and its own main() refers to sc_main, so every program
// or Python module that loads it must define sc_main or it fails to start ("undefined symbol:
// sc_main"). Cascade's programs have their own main (CLI, GoogleTest, the Python interpreter)
// and never enter SystemC through sc_main; this definition satisfies the loader and, should
// SystemC's main ever be linked in place of the program's own, says so instead of running
// nothing. The library's CMakeLists forces this object into every link (--undefined=sc_main).
#include <cstdio>

extern "C" __attribute__((visibility("default"))) int sc_main(int, char*[]) {
  std::fputs(
      "cascade: SystemC's main() ran instead of the program's own main(); link the program's "
      "main (e.g. GTest::gtest_main) before libsystemc\n",
      stderr);
  return 1;
}
