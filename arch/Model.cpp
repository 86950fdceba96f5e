#include "arch/Model.h"

namespace cascade::arch {

std::string to_string(Fidelity fidelity) {
  return fidelity == Fidelity::Analytical ? "analytical" : "cycle";
}

Fidelity parse_fidelity(const std::string& text) {
  if (text == "analytical") return Fidelity::Analytical;
  if (text == "cycle") return Fidelity::Cycle;
  throw base::InputError("--fidelity", {},
                              "'" + text + "': expected analytical or cycle");
}

}  // namespace cascade::arch
