// The `cascade` Python module for design-space-exploration scripts: workloads (the same record as
// `cascade workload show`, configs/workload_report.proto, as Python values), architecture configs
// with field overrides, and runs of any model (the same record as `cascade run`'s JSON,
// configs/result.proto).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <string>

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
  Arch(std::string file, std::string text)
      : file_(std::move(file)), text_(std::move(text)), model_(arch::create_model(text_, file_)) {}
  const std::string& file() const { return file_; }
  const std::string& text() const { return text_; }
  std::string model() const { return model_->name(); }
  const arch::Model& evaluator() const { return *model_; }

 private:
  std::string file_, text_;
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
  return Arch(fields.empty() ? path : path + " (with overrides, as printed)",
              arch::arch_text_with_overrides(base::TextProtoFile::read(path), path, fields));
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

}  // namespace
}  // namespace cascade::app

PYBIND11_MODULE(cascade, m) {
  using cascade::app::Workload;
  m.doc() = "Cascade: cycle-level simulation of accelerators; workloads as cascades of Einsums.";

  static py::exception<cascade::base::InputError> input_error(m, "InputError",
                                                                          PyExc_ValueError);
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
      .def_property_readonly("text", &cascade::app::Arch::text, "the config as text, overrides applied")
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
}
