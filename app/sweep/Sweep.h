#pragma once

#include <cstdint>
#include <map>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "arch/ArchTemplate.h"
#include "arch/EvaluationCache.h"
#include "arch/Model.h"
#include "base/TextProtoFile.h"
#include "configs/sweep.pb.h"
#include "workloads/ir/Cascade.h"

namespace cascade::app {

// One point of a sweep: which base architecture and workload, the config fields it sets and the
// rank sizes it binds, and a stable id made of exactly these parameters.
struct SweepPoint {
  uint64_t index = 0;
  std::string id;  // 16 hex digits (64-bit FNV-1a of the parameters as text)
  size_t arch = 0, workload = 0;
  std::vector<std::pair<std::string, std::string>> fields;  // config overrides, in axis order
  std::map<std::string, uint64_t> sizes;                    // rank sizes
  std::vector<std::string> values;                          // every axis's value, in axis order
};

// A bound of a constraint (configs/sweep.proto SweepConstraint), on a metric or an axis.
struct SweepBound {
  std::string name;
  int axis = -1;  // the axis it bounds, or -1 for a metric
  double min = -HUGE_VAL, max = HUGE_VAL;
  bool holds(double v) const { return v >= min && v <= max; }
};

// A sweep spec (configs/sweep.proto) read and checked: its architectures and workloads loaded,
// every axis's values known. Errors are InputError at the spec's file, line and field: an
// architecture or workload that cannot be read, an axis whose path the architecture's schema does
// not have (the message lists what is wrong with it), a rank axis on a rank a workload lacks, a
// range with no points, zipped axes of unequal lengths, more than kMaxPoints points, an unknown
// metric, a constraint on an axis with a value that is not a number.
class SweepSpec {
 public:
  static constexpr uint64_t kMaxPoints = uint64_t{1} << 32;

  // `root`: where configs/ is, for architecture names.
  SweepSpec(const std::string& text, const std::string& file, const std::string& root);
  static SweepSpec load(const std::string& path, const std::string& root);

  uint64_t points() const { return points_; }
  // Point `index` (0 <= index < points()), built on demand: architecture slowest, then workload,
  // then the axes and zips in order, the last fastest.
  SweepPoint point(uint64_t index) const;
  // The column names of the axes, in order ("array2d.rows", "rank.M").
  const std::vector<std::string>& axis_names() const { return axis_names_; }
  const std::string& arch_file(size_t i) const { return arch_files_[i]; }
  const std::string& arch_name(size_t i) const { return proto_.arch(static_cast<int>(i)); }  // as written
  // The architecture parsed and checked once, to build each point's model from.
  const arch::ArchTemplate& arch_template(size_t i) const { return *templates_[i]; }
  const workloads::Cascade& workload(size_t i) const { return workloads_[i]; }
  arch::Fidelity fidelity() const { return fidelity_; }
  // The metric columns of each row, in order (docs/sweeps.md).
  const std::vector<std::string>& metrics() const { return metrics_; }
  const std::vector<SweepBound>& constraints() const { return constraints_; }
  // Whether the point passes the constraints on axes (checked before evaluating it).
  bool axes_hold(const SweepPoint& point) const;
  // A fingerprint of everything the rows depend on (the spec's text, its architectures' configs
  // with their imports merged, its workloads' texts): a resumed sweep must have the same.
  uint64_t fingerprint() const { return fingerprint_; }

 private:
  // One dimension of the product: an axis, or a zip of axes advancing together.
  struct Dimension {
    std::vector<size_t> axes;  // into axis_names_/values_
    size_t length = 0;
  };

  void add_axis(const config::SweepAxis& axis, const std::vector<base::TextProtoFile::Step>& at);

  config::Sweep proto_;
  std::shared_ptr<base::TextProtoFile> source_;
  std::vector<std::string> arch_files_;
  std::vector<std::unique_ptr<arch::ArchTemplate>> templates_;
  std::vector<workloads::Cascade> workloads_;
  std::vector<std::string> axis_names_;
  std::vector<std::vector<std::string>> values_;
  std::vector<Dimension> dimensions_;
  uint64_t points_ = 0;
  arch::Fidelity fidelity_ = arch::Fidelity::Analytical;
  std::vector<std::string> metrics_;
  std::vector<SweepBound> constraints_;
  uint64_t fingerprint_ = 0;
};

// What one point gave: the model's metrics (in the spec's order, empty where the model has none),
// or why the point could not be evaluated.
struct SweepRow {
  SweepPoint point;
  std::string model, error;
  std::vector<std::optional<double>> metrics;
};

// Evaluates points of a spec, one at a time; one per thread (it keeps what a model derives from a
// workload between points).
class PointEvaluator {
 public:
  explicit PointEvaluator(const SweepSpec& spec)
      : spec_(spec), cache_(std::make_unique<arch::EvaluationCache>()) {}
  // The point's row, or nothing when a constraint drops it. Never throws for a bad point: its
  // error is the row's.
  std::optional<SweepRow> evaluate(SweepPoint point);

 private:
  const SweepSpec& spec_;
  std::unique_ptr<arch::EvaluationCache> cache_;
};

// The rows as CSV (a header: id, arch, workload, the axes, model, the metrics, error; then one row
// per point) and as JSON Lines (one object per point).
std::string sweep_csv_header(const SweepSpec& spec);
std::string sweep_csv_row(const SweepSpec& spec, const SweepRow& row);
std::string sweep_json_line(const SweepSpec& spec, const SweepRow& row);

}  // namespace cascade::app
