"""The house's layers point one way: every #include of a project header names a folder of the same
layer or of one below it. From the bottom:

    configs (the protobuf schemas)  ->  base  ->  workloads  ->  sim (the engine)  ->  arch (models)
    ->  validation, plots (neither includes the other)  ->  app (CLI, Python module, report writers)

tests/ and bench/ may include any layer. The check reads every .h and .cpp under the layered folders.

Environment (set by ctest): CASCADE_SOURCE_DIR.
"""
import os
import re
import tempfile
import unittest

LAYERS = {"configs": 0, "base": 1, "workloads": 2, "sim": 3, "arch": 4, "validation": 5, "plots": 5, "app": 6}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


def upward_includes(root):
    """Every include that points to a higher layer, or sideways between validation and plots, as
    'file: includes "header"'."""
    problems = []
    for folder, level in LAYERS.items():
        for directory, _, files in os.walk(os.path.join(root, folder)):
            for name in sorted(files):
                if not name.endswith((".h", ".cpp")):
                    continue
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                for header in INCLUDE.findall(text):
                    target = header.split("/")[0]
                    if target not in LAYERS or target == folder:
                        continue
                    if LAYERS[target] >= level:
                        problems.append(f'{os.path.relpath(path, root)}: includes "{header}" '
                                        f"({target} is not below {folder})")
    return sorted(problems)


class Layers(unittest.TestCase):
    def test_no_file_includes_a_layer_above_its_own(self):
        self.assertEqual(upward_includes(os.environ["CASCADE_SOURCE_DIR"]), [])

    def test_the_check_finds_an_upward_and_a_sideways_include(self):
        with tempfile.TemporaryDirectory() as root:
            for path, text in {"base/A.h": '#include "arch/Model.h"\n',
                               "plots/P.cpp": '#include "validation/gpu/TraceTable.h"\n',
                               "arch/M.h": '#include "sim/result/Result.h"\n#include "base/A.h"\n'}.items():
                os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
                with open(os.path.join(root, path), "w") as f:
                    f.write(text)
            self.assertEqual(upward_includes(root), [
                'base/A.h: includes "arch/Model.h" (arch is not below base)',
                'plots/P.cpp: includes "validation/gpu/TraceTable.h" (validation is not below plots)'])


if __name__ == "__main__":
    unittest.main()
