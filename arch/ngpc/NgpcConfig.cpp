#include "arch/ngpc/NgpcConfig.h"

#include <filesystem>
#include <tuple>
#include <vector>

#include "base/InputFile.h"

namespace cascade::arch::ngpc {
namespace {

// The defaults of every optional field (configs/ngpc.proto says where each comes from).
config::NgpcArch defaults() {
  config::NgpcArch d;
  d.set_processors(64);
  d.set_clock_hz(1e9);
  d.mutable_encoding()->set_engines(16);
  d.mutable_encoding()->set_grid_sram_bytes(uint64_t{1} << 20);
  d.mutable_encoding()->set_banks(8);
  d.mutable_encoding()->set_sh_queries_per_cycle(1);
  d.mutable_mlp()->set_rows(64);
  d.mutable_mlp()->set_cols(64);
  d.mutable_mlp()->set_precision_bytes(2);
  d.set_grid_sram_mode(config::ALL_HIT);
  d.set_rest_fusion_speedup(9.94);
  d.set_overlap(config::PIPELINED);
  d.set_batch_queries(262144);
  d.set_area_fraction_per_processor(0.00565);
  d.set_power_fraction_per_processor(0.00344);
  d.set_gpu_die_mm2(628.4);
  d.set_gpu_board_power_w(350);
  d.set_grid_sram_area_share(0.9);
  return d;
}

}  // namespace

NgpcConfig::NgpcConfig(const std::string& text, const std::string& file) {
  read_ = std::make_shared<config::NgpcArch>();
  const config::NgpcArch& read = *read_;
  source_ = std::make_shared<base::TextProtoFile>(text, file, *read_);
  source_->require_finite_non_negative_numbers();
  proto_ = defaults();
  proto_.MergeFrom(read);  // the file's fields (optional: only those it sets) over the defaults
  if (read.grid_sram_mode() == config::GRID_SRAM_MODE_UNSPECIFIED) proto_.set_grid_sram_mode(config::ALL_HIT);
  if (read.overlap() == config::OVERLAP_UNSPECIFIED) proto_.set_overlap(config::PIPELINED);
  if (read.encoding().bank_mapping() == config::BANK_MAPPING_UNSPECIFIED)
    proto_.mutable_encoding()->set_bank_mapping(config::CORNER_PARITY);
  validate();
  if (proto_.gpu().empty()) source_->fail({1, 0}, "missing field 'gpu' (the GPU config it sits beside)");
  const std::filesystem::path gpu_path = std::filesystem::path(file).parent_path() / proto_.gpu();
  try {
    gpu_ = std::make_shared<gpu::GpuArchConfig>(gpu::GpuArchConfig::load(gpu_path.string()));
  } catch (const base::InputError& e) {
    if (e.file() != gpu_path.string() || e.pos().line > 0) throw;
    source_->fail(source_->locate({{"gpu"}}), "gpu: " + e.message());
  }
  if (!proto_.has_l2_bandwidth_bytes_per_second())
    proto_.set_l2_bandwidth_bytes_per_second(gpu_->proto().memory().dram_bandwidth_bytes_per_second());
}

void NgpcConfig::validate() const {
  const auto& p = proto_;
  using Step = base::TextProtoFile::Step;
  const auto bad = [&](std::vector<Step> at, const std::string& message) {
    source_->fail(source_->locate(at), message);
  };
  if (p.name().empty()) source_->fail({1, 0}, "missing field 'name'");
  // Counts from 1 to a bound far beyond any design, so products of them stay exact in doubles.
  const std::tuple<std::vector<Step>, const char*, uint64_t, uint64_t> counts[] = {
      {{{"processors"}}, "processors", p.processors(), 4096},
      {{{"encoding"}, {"engines"}}, "encoding.engines", p.encoding().engines(), 1024},
      {{{"encoding"}, {"grid_sram_bytes"}}, "encoding.grid_sram_bytes", p.encoding().grid_sram_bytes(), uint64_t{1} << 40},
      {{{"encoding"}, {"banks"}}, "encoding.banks", p.encoding().banks(), 1024},
      {{{"mlp"}, {"rows"}}, "mlp.rows", p.mlp().rows(), 4096},
      {{{"mlp"}, {"cols"}}, "mlp.cols", p.mlp().cols(), 4096},
      {{{"mlp"}, {"precision_bytes"}}, "mlp.precision_bytes", p.mlp().precision_bytes(), 8},
      {{{"batch_queries"}}, "batch_queries", p.batch_queries(), uint64_t{1} << 40},
  };
  for (const auto& [at, field, value, most] : counts)
    if (value < 1 || value > most)
      bad(at, std::string(field) + " must be 1 to " + std::to_string(most) + ", found " + std::to_string(value));
  // Rates and factors above 0 (require_finite_non_negative_numbers has ruled out the rest).
  const std::tuple<std::vector<Step>, const char*, double> rates[] = {
      {{{"clock_hz"}}, "clock_hz", p.clock_hz()},
      {{{"encoding"}, {"sh_queries_per_cycle"}}, "encoding.sh_queries_per_cycle", p.encoding().sh_queries_per_cycle()},
      {{{"rest_fusion_speedup"}}, "rest_fusion_speedup", p.rest_fusion_speedup()},
      {{{"gpu_die_mm2"}}, "gpu_die_mm2", p.gpu_die_mm2()},
      {{{"gpu_board_power_w"}}, "gpu_board_power_w", p.gpu_board_power_w()},
  };
  for (const auto& [at, field, value] : rates)
    if (!(value > 0)) bad(at, std::string(field) + " must be above 0");
  if (p.has_l2_bandwidth_bytes_per_second() && !(p.l2_bandwidth_bytes_per_second() > 0))
    bad({{"l2_bandwidth_bytes_per_second"}}, "l2_bandwidth_bytes_per_second must be above 0");
  if (p.clock_hz() > 1e12) bad({{"clock_hz"}}, "clock_hz must be at most 1e12");
  if (p.rest_fusion_speedup() < 1e-3 || p.rest_fusion_speedup() > 1e6)
    bad({{"rest_fusion_speedup"}}, "rest_fusion_speedup must be 0.001 to 1e6");
  for (const auto& [at, field, value] :
       {std::tuple<std::vector<Step>, const char*, double>{{{"area_fraction_per_processor"}}, "area_fraction_per_processor", p.area_fraction_per_processor()},
        {{{"power_fraction_per_processor"}}, "power_fraction_per_processor", p.power_fraction_per_processor()},
        {{{"grid_sram_area_share"}}, "grid_sram_area_share", p.grid_sram_area_share()}})
    if (value > 1) bad(at, std::string(field) + " must be 0 to 1");
  if (p.grid_sram_mode() != config::ALL_HIT && p.grid_sram_mode() != config::CAPACITY)
    bad({{"grid_sram_mode"}}, "grid_sram_mode must be ALL_HIT or CAPACITY");
  if (p.overlap() != config::PIPELINED && p.overlap() != config::SERIAL)
    bad({{"overlap"}}, "overlap must be PIPELINED or SERIAL");
  if (p.encoding().bank_mapping() != config::CORNER_PARITY && p.encoding().bank_mapping() != config::INDEX_MODULO)
    bad({{"encoding"}, {"bank_mapping"}}, "encoding.bank_mapping must be CORNER_PARITY or INDEX_MODULO");
}

}  // namespace cascade::arch::ngpc
