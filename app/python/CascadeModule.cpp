// The `cascade` Python module for design-space-exploration scripts: workloads (the same record as
// `cascade workload show`, configs/workload_report.proto, as Python values), architecture configs
// with field overrides, runs of any model (the same record as `cascade run`'s JSON,
// configs/result.proto) and sweeps (the rows `cascade sweep` writes).
#include "app/python/CascadeModule.h"

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <pybind11/stl.h>

#include <map>
#include <string>

#include "app/sweep/Pareto.h"
#include "app/sweep/SweepRunner.h"
#include "plots/SweepCharts.h"

#include "app/report/ProtoJson.h"
#include "app/report/WorkloadReportFormat.h"
#include "arch/ArchLoader.h"
#include "base/TextProtoFile.h"
#include "workloads/analysis/WorkloadAnalysis.h"
#include "workloads/parser/WorkloadLoader.h"

namespace py = pybind11;

namespace cascade::app {
namespace {

py::dict ops_dict(const google::protobuf::RepeatedPtrField<config::OpCount>& ops) {
  py::dict d;
  for (const auto& o : ops) d[py::str(o.kind())] = o.count();
  return d;
}

// A bound and analysed workload.
class Workload {
 public:
  explicit Workload(config::WorkloadReport report) : r_(std::move(report)) {}

  std::string name() const { return r_.name(); }
  std::string description() const { return r_.description(); }
  uint32_t passes() const { return r_.passes(); }
  std::string pass_rank() const { return r_.pass_rank(); }
  std::map<std::string, uint64_t> rank_sizes() const {
    return {r_.rank_sizes().begin(), r_.rank_sizes().end()};
  }
  std::map<std::string, uint32_t> rank_passes() const {
    std::map<std::string, uint32_t> m;
    for (const auto& rp : r_.rank_passes()) m[rp.rank()] = rp.passes();
    return m;
  }
  py::dict total_ops() const { return ops_dict(r_.total_ops()); }
  py::list einsums() const {
    py::list l;
    for (const auto& e : r_.einsum()) {
      py::dict d;
      d["name"] = e.name();
      d["expression"] = e.expression();
      d["iteration_points"] = e.iteration_points();
      d["depends_on"] = std::vector<std::string>(e.depends_on().begin(), e.depends_on().end());
      d["ops"] = ops_dict(e.ops());
      d["pass"] = e.pass();
      l.append(d);
    }
    return l;
  }
  py::list tensors() const {
    py::list l;
    for (const auto& t : r_.tensor()) {
      py::dict d;
      d["name"] = t.name();
      d["role"] = t.role();
      d["ranks"] = std::vector<std::string>(t.ranks().begin(), t.ranks().end());
      d["type"] = t.type();
      d["elements"] = t.elements();
      d["bytes"] = t.bytes();
      d["touched_bytes"] = t.touched_bytes();
      l.append(d);
    }
    return l;
  }
  uint64_t input_bytes() const { return r_.input_bytes(); }
  uint64_t output_bytes() const { return r_.output_bytes(); }
  uint64_t intermediate_bytes() const { return r_.intermediate_bytes(); }
  std::string to_json() const { return format_workload_json(r_); }
  std::string to_text() const { return format_workload_text(r_); }

 private:
  config::WorkloadReport r_;
};

Workload load_workload(const std::string& path, const std::map<std::string, uint64_t>& sizes) {
  return Workload(workloads::analyze_workload(workloads::load_workload_file(path), sizes));
}

// An architecture config, with its overrides applied, and the model it makes.
class Arch {
 public:
  Arch(std::string file, std::string text, std::string printed)
      : file_(std::move(file)), text_(std::move(text)), printed_(std::move(printed)),
        model_(arch::create_model(text_, file_)) {}
  const std::string& file() const { return file_; }
  // What the model reads (the file's text, or the overridden config printed).
  const std::string& text() const { return text_; }
  // The whole config as text: imports merged, overrides applied.
  const std::string& printed() const { return printed_; }
  std::string model() const { return model_->name(); }
  std::optional<double> area_mm2() const { return model_->area_mm2(); }
  const arch::Model& evaluator() const { return *model_; }

 private:
  std::string file_, text_, printed_;
  std::shared_ptr<arch::Model> model_;
};

// A Python value as an override's text: true/false, a number as Python writes it, or a string.
std::string override_text(const py::handle& value) {
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>() ? "true" : "false";
  if (py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value) || py::isinstance<py::str>(value))
    return py::str(value).cast<std::string>();
  throw base::InputError("override", {}, "a value must be a bool, a number or a string, not " +
                                             py::str(py::type::of(value)).cast<std::string>());
}

Arch load_arch(const std::string& path, const py::dict& overrides) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& [key, value] : overrides) fields.emplace_back(py::str(key).cast<std::string>(), override_text(value));
  // Errors of an overridden config count lines of the text printed back, not of the file.
  const std::string text = base::TextProtoFile::read(path);
  return Arch(fields.empty() ? path : path + " (with overrides, as printed)",
              arch::arch_text_with_overrides(text, path, fields), arch::printed_arch_config(text, path, fields));
}

py::object run(const py::object& arch_or_path, const std::string& workload,
               const std::map<std::string, uint64_t>& sizes, const std::string& fidelity, bool fast_forward) {
  const Arch arch = py::isinstance<Arch>(arch_or_path) ? arch_or_path.cast<Arch>()
                                                       : load_arch(arch_or_path.cast<std::string>(), py::dict());
  const arch::Fidelity f = arch::parse_fidelity(fidelity);
  const workloads::Cascade cascade = workloads::load_workload_file(workload);
  const workloads::RankSizes bound = workloads::bind_shapes(cascade, sizes);
  std::string json;
  {
    py::gil_scoped_release release;  // a long simulation lets other Python threads run
    auto model = arch::create_model(arch.text(), arch.file());
    model->set_fast_forward(fast_forward);
    json = proto_to_json(model->evaluate(cascade, bound, f).to_record());
  }
  return py::module_::import("json").attr("loads")(json);
}

// A value of a spec's axis as text: Python writes numbers, the spec holds strings.
py::object axis_with_text_values(const py::handle& axis) {
  py::dict copy = py::reinterpret_borrow<py::dict>(axis).attr("copy")();
  if (copy.contains("values")) {
    py::list values;
    for (const auto& v : copy["values"]) values.append(py::str(override_text(v)));
    copy["values"] = values;
  }
  return copy;
}

// A sweep spec given as a dict (configs/sweep.proto's fields, paths relative to the working
// folder) as spec text.
std::string spec_text_of(const py::dict& spec) {
  py::dict copy = spec.attr("copy")();
  if (copy.contains("axis")) {
    py::list axes;
    for (const auto& a : copy["axis"]) axes.append(axis_with_text_values(a));
    copy["axis"] = axes;
  }
  if (copy.contains("zip")) {
    py::list zips;
    for (const auto& z : copy["zip"]) {
      py::dict zip = py::reinterpret_borrow<py::dict>(z).attr("copy")();
      py::list axes;
      if (zip.contains("axis"))
        for (const auto& a : zip["axis"]) axes.append(axis_with_text_values(a));
      zip["axis"] = axes;
      zips.append(zip);
    }
    copy["zip"] = zips;
  }
  const std::string json = py::module_::import("json").attr("dumps")(copy).cast<std::string>();
  config::Sweep message;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  if (!status.ok()) throw base::InputError("sweep spec (a dict)", {}, std::string(status.message()));
  std::string text;
  google::protobuf::TextFormat::PrintToString(message, &text);
  return text;
}

py::list sweep(const py::object& spec_or_path, const std::string& root, unsigned threads) {
  const SweepSpec spec = py::isinstance<py::dict>(spec_or_path)
                             ? SweepSpec(spec_text_of(spec_or_path.cast<py::dict>()), "sweep spec (a dict, as printed)", root)
                             : SweepSpec::load(spec_or_path.cast<std::string>(), root);
  std::vector<SweepRow> rows;
  {
    py::gil_scoped_release release;
    rows = sweep_rows(spec, 0, spec.points(), threads);
  }
  py::list out;
  for (const auto& r : rows) {
    py::dict d;
    d["id"] = r.point.id;
    d["arch"] = spec.arch_name(r.point.arch);
    d["workload"] = spec.workload(r.point.workload).name;
    py::dict params;
    for (size_t i = 0; i < r.point.values.size(); ++i) params[py::str(spec.axis_names()[i])] = r.point.values[i];
    d["params"] = params;
    if (r.error.empty()) {
      d["model"] = r.model;
      for (size_t i = 0; i < spec.metrics().size(); ++i)
        d[py::str(spec.metrics()[i])] = r.metrics[i] ? py::object(py::float_(*r.metrics[i])) : py::none();
    } else {
      d["error"] = r.error;
    }
    out.append(d);
  }
  return out;
}

// The rows (dicts of sweep()) no other row beats in every metric given; rows without one of the
// metrics (an error, None) are left out.
py::list pareto(const py::list& rows, const std::vector<std::string>& minimize, const std::vector<std::string>& maximize) {
  if (minimize.empty() && maximize.empty())
    throw base::InputError("pareto", {}, "give metrics to minimize or maximize");
  std::vector<py::object> kept;
  std::vector<std::vector<double>> points;
  for (const auto& row : rows) {
    const py::dict d = py::reinterpret_borrow<py::dict>(row);
    std::vector<double> p;
    for (const auto& name : minimize)
      if (d.contains(name) && !d[py::str(name)].is_none()) p.push_back(d[py::str(name)].cast<double>());
    for (const auto& name : maximize)
      if (d.contains(name) && !d[py::str(name)].is_none()) p.push_back(-d[py::str(name)].cast<double>());
    if (p.size() != minimize.size() + maximize.size()) continue;
    kept.push_back(py::reinterpret_borrow<py::object>(row));
    points.push_back(std::move(p));
  }
  py::list front;
  for (size_t i : pareto_front(points)) front.append(kept[i]);
  return front;
}

// Every row by two metrics with the front drawn over them: `path_stem`.png and .svg.
void plot_pareto(const py::list& rows, const py::list& front, const std::string& x, const std::string& y,
                 const std::string& path_stem, bool log) {
  const auto series = [&](const py::list& list, const std::string& title) {
    plots::ScatterSeries s{title + " (" + std::to_string(list.size()) + ")", {}, {}};
    for (const auto& row : list) {
      const py::dict d = py::reinterpret_borrow<py::dict>(row);
      if (!d.contains(x) || !d.contains(y) || d[py::str(x)].is_none() || d[py::str(y)].is_none()) continue;
      s.x.push_back(d[py::str(x)].cast<double>());
      s.y.push_back(d[py::str(y)].cast<double>());
    }
    return s;
  };
  const plots::ScatterSeries all = series(rows, "all points"), best = series(front, "Pareto front");
  py::gil_scoped_release release;
  plots::plot_pareto_front("Pareto front", x, y, all, best, log, path_stem);
}

}  // namespace

void define_cascade_module(py::module_& m) {
  using cascade::app::Workload;
  m.doc() = "Cascade: cycle-level simulation of accelerators; workloads as cascades of Einsums.";

  static py::exception<cascade::base::InputError> input_error(m, "InputError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const cascade::base::InputError& e) {
      // Attributes let scripts point at the bad line: err.file, err.line, err.column.
      py::object err = py::handle(input_error.ptr())(e.what());
      err.attr("file") = e.file();
      err.attr("line") = e.pos().line;
      err.attr("column") = e.pos().column;
      err.attr("message") = e.message();
      PyErr_SetObject(input_error.ptr(), err.ptr());
    }
  });

  py::class_<Workload>(m, "Workload", "A workload cascade with its ranks bound and analysed.")
      .def_property_readonly("name", &Workload::name)
      .def_property_readonly("description", &Workload::description)
      .def_property_readonly("passes", &Workload::passes,
                             "passes over the pass rank the cascade needs (FuseMax's classes)")
      .def_property_readonly("pass_rank", &Workload::pass_rank)
      .def_property_readonly("rank_passes", &Workload::rank_passes, "{rank: passes}")
      .def_property_readonly("rank_sizes", &Workload::rank_sizes, "{rank: size}")
      .def_property_readonly("total_ops", &Workload::total_ops, "{kind: count}, whole cascade")
      .def_property_readonly("einsums", &Workload::einsums,
                             "per Einsum: name, expression, iteration_points, depends_on, ops, pass")
      .def_property_readonly("tensors", &Workload::tensors,
                             "per tensor: name, role, ranks, type, elements, bytes")
      .def_property_readonly("input_bytes", &Workload::input_bytes)
      .def_property_readonly("output_bytes", &Workload::output_bytes)
      .def_property_readonly("intermediate_bytes", &Workload::intermediate_bytes)
      .def("to_json", &Workload::to_json, "the record as JSON, as `cascade workload show --format json`")
      .def("__str__", &Workload::to_text)
      .def("__repr__", [](const Workload& w) { return "<cascade.Workload " + w.name() + ">"; });

  py::class_<cascade::app::Arch>(m, "Arch", "An architecture config with its overrides, checked, and its model.")
      .def_property_readonly("file", &cascade::app::Arch::file)
      .def_property_readonly("model", &cascade::app::Arch::model, "the model that evaluates it: fusemax, flat, unfused, gpu")
      .def_property_readonly("text", &cascade::app::Arch::printed,
                             "the whole config as text: imports merged, overrides applied (the paths of overrides "
                             "count its repeated entries)")
      .def_property_readonly("area_mm2", &cascade::app::Arch::area_mm2,
                             "the chip area in mm2 (arch/spatial/AreaModel.h), or None where the model has no area model")
      .def("__repr__", [](const cascade::app::Arch& a) { return "<cascade.Arch " + a.model() + " " + a.file() + ">"; });

  m.def("load_arch", &cascade::app::load_arch, py::arg("path"), py::arg("overrides") = py::dict(),
        "Load an architecture config (accelerator or GPU), set fields by dotted path "
        "({'array2d.rows': 128, 'gemm_tile[0].tile_m': 64, 'peak.tensor_flops_per_second[bf16]': 9e14}) "
        "and check it. Raises cascade.InputError on a bad file, path or value.");
  m.def("run", &cascade::app::run, py::arg("arch"), py::arg("workload"),
        py::arg("sizes") = std::map<std::string, uint64_t>{}, py::arg("fidelity") = "analytical",
        py::arg("fast_forward") = true,
        "Evaluate an architecture (a cascade.Arch or a config path) on a workload file with rank sizes; "
        "returns the record `cascade run` writes as JSON (configs/result.proto), as a dict.");
  m.def("load_workload", &cascade::app::load_workload, py::arg("path"),
        py::arg("sizes") = std::map<std::string, uint64_t>{},
        "Load a workload file (.pbtxt), bind rank sizes ({'M': 4096} overrides the file) and "
        "analyse it. Raises cascade.InputError (a ValueError) on bad input.");
  m.def("pareto", &cascade::app::pareto, py::arg("rows"), py::arg("minimize") = std::vector<std::string>{},
        py::arg("maximize") = std::vector<std::string>{},
        "The rows (of cascade.sweep) no other row beats in every metric given: at least as good in all, "
        "better in one. Rows lacking a metric are left out; the front keeps the rows' order.");
  m.def("plot_pareto", &cascade::app::plot_pareto, py::arg("rows"), py::arg("front"), py::arg("x"), py::arg("y"),
        py::arg("path_stem"), py::arg("log") = false,
        "Chart every row by metrics x and y with the front drawn over them: path_stem.png and .svg (gnuplot).");
  m.def("sweep", &cascade::app::sweep, py::arg("spec"), py::arg("root") = ".", py::arg("threads") = 1,
        "Evaluate every point of a sweep: a spec file (configs/sweep.proto) or a dict of its fields "
        "({'arch': ['fusemax_cloud'], 'workload': [path], 'axis': [{'field': 'array2d.rows', 'values': [128, 256]}]}, "
        "paths relative to the working folder, architecture names under `root`). Returns one dict per "
        "point the constraints keep, in the spec's order: id, arch, workload, params, model and the "
        "metrics, or error.");
}

}  // namespace cascade::app
