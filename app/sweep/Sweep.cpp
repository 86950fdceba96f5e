#include "app/sweep/Sweep.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "app/sweep/SweepMetrics.h"
#include "arch/ArchLoader.h"
#include "base/Csv.h"
#include "base/Format.h"
#include "base/InputFile.h"
#include "base/Text.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/parser/WorkloadLoader.h"

namespace cascade::app {
namespace {

using Step = base::TextProtoFile::Step;
using Path = std::vector<Step>;

// The most values one axis may have.
constexpr uint32_t kMaxAxisValues = 1u << 24;

// `path` as written in the spec: absolute, or relative to the spec's folder.
std::string relative_to(const std::string& dir, const std::string& path) {
  return !path.empty() && path[0] == '/' ? path : dir + path;
}

uint64_t fnv1a(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string csv_field(const std::string& text) { return base::csv_quoted(base::printable(text)); }

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : base::printable(text)) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A metric to the last bit (the shortest text that reads back as the same double); an axis value
// as a person writes it.
std::string number_text(double v) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, v).ptr;
  return std::string(text, end);
}
std::string value_text(double v) { return base::format("%.15g", v); }

}  // namespace

SweepSpec::SweepSpec(const std::string& text, const std::string& file, const std::string& root)
    : source_(std::make_shared<base::TextProtoFile>(text, file, proto_)) {
  const base::TextProtoFile& f = *source_;
  const auto fail = [&](const Path& at, const std::string& message) { f.fail(f.locate(at), message); };
  f.require_finite_non_negative_numbers();
  if (proto_.arch_size() == 0) fail({}, "missing field 'arch' (an architecture config to sweep)");
  if (proto_.workload_size() == 0) fail({}, "missing field 'workload'");
  if (!proto_.fidelity().empty()) {
    try {
      fidelity_ = arch::parse_fidelity(proto_.fidelity());
    } catch (const base::InputError& e) {
      fail({{"fidelity"}}, e.message());
    }
  }
  const std::string dir = base::directory_of(file);
  // Everything the rows depend on, read once, for the fingerprint.
  std::string everything = text;
  for (int i = 0; i < proto_.arch_size(); ++i) {
    const std::string& a = proto_.arch(i);
    std::string path = relative_to(dir, a);
    if (a.find('/') == std::string::npos && !a.ends_with(".pbtxt")) {
      std::error_code ec;
      path = root + "/configs/arch/" + a + ".pbtxt";
      if (!std::filesystem::is_regular_file(path, ec)) path = root + "/configs/arch/gpu/" + a + ".pbtxt";
      if (!std::filesystem::is_regular_file(path, ec))
        fail({{"arch", i}}, "no architecture config '" + base::printable(a) + "' in " + base::printable(root) +
                                "/configs/arch/ or configs/arch/gpu/");
    }
    try {
      const std::string arch_text = base::TextProtoFile::read(path);
      templates_.push_back(std::make_unique<arch::ArchTemplate>(arch_text, path));
      // The merged config, so that an edit to an imported block changes the fingerprint too.
      everything += '\0' + arch::printed_arch_config(arch_text, path, {});
    } catch (const base::InputError& e) {
      fail({{"arch", i}}, "architecture '" + base::printable(a) + "': " + e.what());
    }
    arch_files_.push_back(path);
  }
  for (int i = 0; i < proto_.workload_size(); ++i) {
    try {
      const std::string path = relative_to(dir, proto_.workload(i));
      const std::string workload_text = base::TextProtoFile::read(path);
      workloads_.push_back(workloads::parse_workload_text(workload_text, path));
      everything += '\0' + workload_text;
    } catch (const base::InputError& e) {
      fail({{"workload", i}}, "workload '" + base::printable(proto_.workload(i)) + "': " + e.what());
    }
  }
  for (const auto& [rank, size] : proto_.sizes())
    for (const auto& w : workloads_)
      if (!w.find_rank(rank) && !w.find_partition_making(rank))
        fail({{"sizes"}}, "sizes: workload '" + w.name + "' has no rank '" + base::printable(rank) + "'");
  for (int i = 0; i < proto_.axis_size(); ++i) {
    add_axis(proto_.axis(i), {{"axis", i}});
    dimensions_.push_back({{axis_names_.size() - 1}, values_.back().size()});
  }
  for (int z = 0; z < proto_.zip_size(); ++z) {
    Dimension d;
    for (int i = 0; i < proto_.zip(z).axis_size(); ++i) {
      add_axis(proto_.zip(z).axis(i), {{"zip", z}, {"axis", i}});
      d.axes.push_back(axis_names_.size() - 1);
      if (i > 0 && values_.back().size() != d.length)
        fail({{"zip", z}, {"axis", i}}, "zip: its axes must have as many values each (" + std::to_string(d.length) +
                                            " and " + std::to_string(values_.back().size()) + ")");
      d.length = values_.back().size();
    }
    if (d.axes.empty()) fail({{"zip", z}}, "zip: no axis");
    dimensions_.push_back(d);
  }
  for (int i = 0; i < proto_.metric_size(); ++i) {
    const std::string& m = proto_.metric(i);
    if (!is_sweep_metric(m))
      fail({{"metric", i}}, "unknown metric '" + base::printable(m) + "' (metrics: " + sweep_metric_names() + ")");
    for (int j = 0; j < i; ++j)
      if (proto_.metric(j) == m) fail({{"metric", i}}, "metric '" + base::printable(m) + "' is kept twice");
    metrics_.push_back(m);
  }
  if (metrics_.empty()) metrics_ = {"cycles", "seconds", "energy_j", "area_mm2"};
  for (int i = 0; i < proto_.constraint_size(); ++i) {
    const auto& c = proto_.constraint(i);
    SweepBound b;
    b.name = c.name();
    for (size_t a = 0; a < axis_names_.size(); ++a)
      if (axis_names_[a] == c.name()) b.axis = static_cast<int>(a);
    if (b.axis < 0 && !is_sweep_metric(c.name()))
      fail({{"constraint", i}, {"name"}}, "constraint on '" + base::printable(c.name()) +
                                              "', which is neither an axis of the sweep nor a metric (metrics: " +
                                              sweep_metric_names() + ")");
    if (!c.has_min() && !c.has_max()) fail({{"constraint", i}}, "constraint: give min, max or both");
    if (c.has_min()) b.min = c.min();
    if (c.has_max()) b.max = c.max();
    if (b.min > b.max) fail({{"constraint", i}}, "constraint: min is above max");
    if (b.axis >= 0)
      for (const auto& v : values_[static_cast<size_t>(b.axis)]) {
        double x = 0;
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
        if (ec != std::errc() || end != v.data() + v.size())
          fail({{"constraint", i}, {"name"}}, "constraint on axis '" + base::printable(c.name()) + "': its value '" +
                                                  base::printable(v) + "' is not a number");
      }
    constraints_.push_back(b);
  }
  fingerprint_ = fnv1a(everything);
  points_ = static_cast<uint64_t>(arch_files_.size()) * workloads_.size();
  for (const auto& d : dimensions_)
    if (__builtin_mul_overflow(points_, d.length, &points_) || points_ > kMaxPoints)
      fail({}, "more than 2^32 points");
}

SweepSpec SweepSpec::load(const std::string& path, const std::string& root) {
  return SweepSpec(base::TextProtoFile::read(path), path, root);
}

void SweepSpec::add_axis(const config::SweepAxis& axis, const Path& at) {
  const base::TextProtoFile& f = *source_;
  const auto fail = [&](const Path& where, const std::string& message) { f.fail(f.locate(where), message); };
  const auto join = [&](const char* field) {
    Path p = at;
    p.push_back({field});
    return p;
  };
  if (axis.field().empty()) fail(at, "axis: missing field 'field'");
  for (const auto& name : axis_names_)
    if (name == axis.field()) fail(join("field"), "axis '" + base::printable(axis.field()) + "' is swept twice");
  std::vector<std::string> values(axis.values().begin(), axis.values().end());
  if (axis.has_range()) {
    if (!values.empty()) fail(join("range"), "axis: give values or a range, not both");
    const auto& r = axis.range();
    if (r.points() == 0 || r.points() > kMaxAxisValues)
      fail(join("range"), "range: points must be 1 to 2^24");
    if (r.log() && !(r.from() > 0 && r.to() > 0)) fail(join("range"), "range: a log range needs from and to above 0");
    for (uint32_t i = 0; i < r.points(); ++i) {
      const double t = r.points() == 1 ? 0 : static_cast<double>(i) / (r.points() - 1);
      double v = r.log() ? r.from() * std::pow(r.to() / r.from(), t) : r.from() + (r.to() - r.from()) * t;
      if (r.whole()) {
        v = std::round(v);
        const std::string text = value_text(v);
        if (!values.empty() && values.back() == text) continue;
        values.push_back(text);
      } else {
        values.push_back(value_text(v));
      }
    }
  }
  if (values.empty()) fail(at, "axis '" + base::printable(axis.field()) + "' has no values (give values or a range)");
  const bool rank = axis.field().rfind("rank.", 0) == 0;
  if (rank) {
    const std::string name = axis.field().substr(5);
    for (const auto& w : workloads_)
      if (!w.find_rank(name) && !w.find_partition_making(name))
        fail(join("field"), "axis '" + base::printable(axis.field()) + "': workload '" + w.name + "' has no rank '" +
                                base::printable(name) + "'");
    for (const auto& v : values) {
      uint64_t n = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size() || n == 0 || n > workloads::kMaxRankSize)
        fail(join("field"), "axis '" + base::printable(axis.field()) + "': value '" + base::printable(v) +
                                "' is not a rank size (a whole number from 1 to 2^62)");
    }
  } else {
    // The path and the first value must fit every architecture's schema.
    for (size_t a = 0; a < templates_.size(); ++a) {
      try {
        templates_[a]->check_override(axis.field(), values.front());
      } catch (const base::InputError& e) {
        fail(join("field"), "axis on " + base::printable(arch_files_[a]) + ": " + e.message());
      }
    }
  }
  axis_names_.push_back(axis.field());
  values_.push_back(std::move(values));
}

SweepPoint SweepSpec::point(uint64_t index) const {
  SweepPoint p;
  p.index = index;
  std::vector<size_t> chosen(axis_names_.size());
  uint64_t rest = index;
  for (auto d = dimensions_.rbegin(); d != dimensions_.rend(); ++d) {
    const uint64_t i = rest % d->length;
    rest /= d->length;
    for (size_t axis : d->axes) chosen[axis] = static_cast<size_t>(i);
  }
  p.workload = static_cast<size_t>(rest % workloads_.size());
  p.arch = static_cast<size_t>(rest / workloads_.size());
  for (const auto& [rank, size] : proto_.sizes()) p.sizes[rank] = size;
  // The id hashes the parameters in a fixed order (sorted by field), so reordering the spec's axes
  // keeps every point's id.
  std::map<std::string, std::string> parameters = {{"arch", proto_.arch(static_cast<int>(p.arch))},
                                                   {"workload", proto_.workload(static_cast<int>(p.workload))}};
  for (size_t a = 0; a < axis_names_.size(); ++a) {
    const std::string& value = values_[a][chosen[a]];
    p.values.push_back(value);
    parameters[axis_names_[a]] = value;
    if (axis_names_[a].rfind("rank.", 0) == 0)
      p.sizes[axis_names_[a].substr(5)] = std::stoull(value);
    else
      p.fields.emplace_back(axis_names_[a], value);
  }
  std::string key;
  for (const auto& [field, value] : parameters) key += field + "=" + value + ";";
  p.id = base::format("%016llx", static_cast<unsigned long long>(fnv1a(key)));
  return p;
}

bool SweepSpec::axes_hold(const SweepPoint& point) const {
  for (const auto& c : constraints_)
    if (c.axis >= 0 && !c.holds(std::strtod(point.values[static_cast<size_t>(c.axis)].c_str(), nullptr)))
      return false;
  return true;
}

std::optional<SweepRow> PointEvaluator::evaluate(SweepPoint point) {
  if (!spec_.axes_hold(point)) return std::nullopt;
  SweepRow row;
  row.point = std::move(point);
  const SweepPoint& p = row.point;
  try {
    const auto model = spec_.arch_template(p.arch).instantiate(p.fields);
    const std::optional<double> area = model->area_mm2();
    // An area budget drops a point before it is evaluated.
    for (const auto& c : spec_.constraints())
      if (c.axis < 0 && c.name == "area_mm2" && area && !c.holds(*area)) return std::nullopt;
    const workloads::Cascade& cascade = spec_.workload(p.workload);
    const sim::Result r =
        model->evaluate(cascade, workloads::bind_shapes(cascade, p.sizes), spec_.fidelity(), cache_.get());
    for (const auto& c : spec_.constraints()) {
      if (c.axis >= 0) continue;
      const auto v = sweep_metric(c.name, r, area);
      if (v && !c.holds(*v)) return std::nullopt;
    }
    row.model = r.model;
    for (const auto& m : spec_.metrics()) row.metrics.push_back(sweep_metric(m, r, area));
  } catch (const base::InputError& e) {
    row.error = e.what();
  } catch (const std::exception& e) {
    // A fault of ours at one point is that point's row, not the end of a long sweep.
    row.error = std::string("internal error: ") + e.what();
  }
  return row;
}

std::string sweep_csv_header(const SweepSpec& spec) {
  std::string h = "id,arch,workload";
  for (const auto& name : spec.axis_names()) h += "," + csv_field(name);
  h += ",model";
  for (const auto& m : spec.metrics()) h += "," + csv_field(m);
  return h + ",error\n";
}

std::string sweep_csv_row(const SweepSpec& spec, const SweepRow& row) {
  std::string s = row.point.id + "," + csv_field(spec.arch_name(row.point.arch)) + "," +
                  csv_field(spec.workload(row.point.workload).name);
  for (const auto& v : row.point.values) s += "," + csv_field(v);
  s += "," + csv_field(row.model);
  for (size_t i = 0; i < spec.metrics().size(); ++i)
    s += "," + (i < row.metrics.size() && row.metrics[i] ? number_text(*row.metrics[i]) : std::string());
  return s + "," + csv_field(row.error) + "\n";
}

std::string sweep_json_line(const SweepSpec& spec, const SweepRow& row) {
  std::string s = "{\"id\":\"" + row.point.id + "\",\"arch\":" + json_string(spec.arch_name(row.point.arch)) +
                  ",\"workload\":" + json_string(spec.workload(row.point.workload).name) + ",\"params\":{";
  for (size_t i = 0; i < row.point.values.size(); ++i)
    s += (i ? "," : "") + json_string(spec.axis_names()[i]) + ":" + json_string(row.point.values[i]);
  s += "}";
  if (row.error.empty()) {
    s += ",\"model\":" + json_string(row.model);
    for (size_t i = 0; i < spec.metrics().size(); ++i)
      s += "," + json_string(spec.metrics()[i]) + ":" +
           (i < row.metrics.size() && row.metrics[i] ? number_text(*row.metrics[i]) : std::string("null"));
  } else
    s += ",\"error\":" + json_string(row.error);
  return s + "}\n";
}

}  // namespace cascade::app
