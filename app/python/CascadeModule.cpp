// The `cascade` Python module: the workload API for design-space-exploration scripts. It returns
// the same record as `cascade workload show` (configs/workload_report.proto), as Python values.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <string>

#include "app/report/WorkloadReportFormat.h"
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

  m.def("load_workload", &cascade::app::load_workload, py::arg("path"),
        py::arg("sizes") = std::map<std::string, uint64_t>{},
        "Load a workload file (.pbtxt), bind rank sizes ({'M': 4096} overrides the file) and "
        "analyse it. Raises cascade.InputError (a ValueError) on bad input.");
}
