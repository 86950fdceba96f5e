#include "arch/spatial/AreaModel.h"

#include <cmath>

#include "base/Text.h"

namespace cascade::arch {

double spatial_area_mm2(const ArchConfig& config) {
  const auto& a = config.proto();
  const auto pes = [](const config::PeArray& array) { return static_cast<double>(array.rows()) * array.cols(); };
  double square_um = 0;
  for (int i = 0; i < a.area_size(); ++i) {
    const auto& e = a.area(i);
    if (!(e.square_um() >= 0 && std::isfinite(e.square_um())))
      config.fail({{"area", i}, {"square_um"}}, "area: square_um must be a finite number >= 0");
    const std::string& c = e.component();
    double count = 0;
    if (c.rfind("array2d.", 0) == 0 && c.size() > 8) count = pes(a.array2d());
    else if (c.rfind("array1d.", 0) == 0 && c.size() > 8) count = pes(a.array1d());
    else if (c == "regfile2d") count = pes(a.array2d()) * a.array2d().register_file_depth();
    else if (c == "regfile1d") count = pes(a.array1d()) * a.array1d().register_file_depth();
    else if (c == "global_buffer") count = static_cast<double>(a.global_buffer().capacity_bytes());
    else
      config.fail({{"area", i}, {"component"}},
                  "area: unknown component '" + base::printable(c) +
                      "' (array2d.<unit>, array1d.<unit> per PE; regfile2d, regfile1d per word; global_buffer per byte)");
    square_um += count * e.square_um();
  }
  return square_um * 1e-6;
}

}  // namespace cascade::arch
