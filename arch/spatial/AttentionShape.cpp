#include "arch/spatial/AttentionShape.h"

namespace cascade::arch {

AttentionShape AttentionShape::from(const ArchConfig& config, const workloads::Cascade& cascade,
                                    const workloads::RankSizes& sizes) {
  const auto& names = config.proto().mapping().ranks();
  const auto name_or = [](const std::string& name, const char* fallback) {
    return name.empty() ? std::string(fallback) : name;
  };
  const auto size = [&](const std::string& rank, bool required) -> uint64_t {
    const auto it = sizes.all().find(rank);
    if (it != sizes.all().end()) return it->second;
    if (required)
      config.fail({{"mapping"}, {"ranks"}},
                  "the workload '" + cascade.name + "' has no rank '" + rank +
                      "' that the mapping's attention needs");
    return 1;
  };
  AttentionShape s;
  s.batch = size(name_or(names.batch(), "B"), false);
  s.heads = size(name_or(names.heads(), "H"), false);
  s.keys_rank = name_or(names.keys(), "M");
  s.keys = size(s.keys_rank, true);
  s.queries = size(name_or(names.queries(), "P"), true);
  s.qk_embed = size(name_or(names.qk_embed(), "E"), true);
  s.v_embed = size(name_or(names.v_embed(), "F"), true);
  return s;
}

}  // namespace cascade::arch
