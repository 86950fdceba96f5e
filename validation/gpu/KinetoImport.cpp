#include <cmath>
#include <map>

#include "base/CheckedMath.h"
#include "base/InputFile.h"
#include "base/Json.h"
#include "base/Text.h"
#include "validation/gpu/TraceImport.h"

namespace cascade::validation {
namespace {

using base::JsonValue;

double number(const JsonValue* v, double fallback = 0) { return v && v->is_number() ? v->number : fallback; }

std::string text(const JsonValue* v) { return v && v->is_string() ? base::printable(v->string) : ""; }

// The data type of an operator's first input ("Input type": ["c10::BFloat16", ...]).
std::string dtype_of(const JsonValue* types) {
  if (!types || !types->is_array() || types->items.empty() || !types->items[0].is_string()) return "";
  const std::string& first = types->items[0].string;
  if (first == "c10::BFloat16") return "bf16";
  if (first == "c10::Half") return "fp16";
  if (first == "float") return "fp32";
  return "";
}

struct Operator {
  std::string name, shapes, dtype;
  std::vector<std::string> types, values;
};

// A list of strings ("Input type", "Concrete Inputs"), each printable; what is no string is "".
std::vector<std::string> strings_of(const JsonValue* list) {
  std::vector<std::string> out;
  if (list && list->is_array())
    for (const auto& t : list->items) out.push_back(t.is_string() ? base::printable(t.string) : "");
  return out;
}

// What one kernel event says of its launch, each number a whole one within CUDA's limits; the
// first that is not, as a problem.
std::string read_launch(const JsonValue& args, config::Kernel& k) {
  const auto dim3 = [&](const char* key, config::Dim3* out, uint32_t max_x, uint32_t max_yz) -> std::string {
    const JsonValue* v = args.find(key);
    if (!v) return "";
    if (!v->is_array() || v->items.size() > 3) return std::string("'") + key + "' is not a list of up to 3 numbers";
    for (size_t i = 0; i < v->items.size(); ++i) {
      const double d = number(&v->items[i], -1);
      const uint32_t most = i == 0 ? max_x : max_yz;
      if (!base::is_whole_in_range<uint32_t>(d) || d > most)
        return std::string("'") + key + "' has a dimension that is not a whole number from 0 to " + std::to_string(most);
      const auto u = static_cast<uint32_t>(d);
      i == 0 ? out->set_x(u) : i == 1 ? out->set_y(u) : out->set_z(u);
    }
    return "";
  };
  // cudaDeviceProp maxGridSize and maxThreadsDim (every part since compute capability 3.0).
  if (auto p = dim3("grid", k.mutable_grid(), (1u << 31) - 1, 65535); !p.empty()) return p;
  if (auto p = dim3("block", k.mutable_block(), 1024, 1024); !p.empty()) return p;
  const auto whole = [&](const char* key, uint32_t most, uint32_t& out) -> std::string {
    const JsonValue* v = args.find(key);
    if (!v) return "";
    if (!v->is_number() || !base::is_whole_in_range<uint32_t>(v->number) || v->number > most)
      return std::string("'") + key + "' is not a whole number from 0 to " + std::to_string(most);
    out = static_cast<uint32_t>(v->number);
    return "";
  };
  uint32_t registers = 0, smem = 0;
  if (auto p = whole("registers per thread", 255, registers); !p.empty()) return p;
  if (auto p = whole("shared memory", UINT32_MAX, smem); !p.empty()) return p;
  k.set_registers_per_thread(registers);
  k.set_dynamic_smem_bytes(smem);
  return "";
}

}  // namespace

ImportResult import_kineto_json(const std::string& path) {
  return parse_kineto_json(base::read_input_file(path, base::kMaxTraceBytes), path);
}

ImportResult parse_kineto_json(const std::string& content, const std::string& path) {
  ImportResult result;
  base::JsonReader reader(content, path);
  // The trace is one object; its "traceEvents" array is read event by event, so that an event cut
  // off or broken keeps the events before it (a profiler killed mid-write leaves such a file).
  if (!reader.consume('{'))
    throw base::InputError(path, reader.pos(), "not a Kineto trace: a chrome trace is a JSON object ('{')");
  std::map<int64_t, Operator> operators;  // by External id
  struct KernelEvent {
    size_t record;
    JsonValue event;
  };
  std::vector<KernelEvent> kernels;
  bool has_events = false;
  size_t records = 0;
  try {
    if (!reader.consume('}')) {
      while (true) {
        const std::string key = reader.string();
        reader.expect(':', "':' after a member name");
        if (key == "traceEvents") {
          has_events = true;
          reader.expect('[', "'[' opening traceEvents");
          if (!reader.consume(']')) {
            while (true) {
              JsonValue event = reader.value();
              const size_t record = records++;
              if (const JsonValue* cat = event.find("cat"); cat && cat->is_string()) {
                const JsonValue* args = event.find("args");
                if (cat->string == "cpu_op" && args) {
                  const double id = number(args->find("External id"), -1);
                  if (base::is_whole_in_range<int64_t>(id) && id >= 0 && !operators.count(static_cast<int64_t>(id))) {
                    const JsonValue* dims = args->find("Input Dims");
                    operators[static_cast<int64_t>(id)] = {text(event.find("name")),
                                                           dims ? base::to_json_text(*dims) : "",
                                                           dtype_of(args->find("Input type")),
                                                           strings_of(args->find("Input type")),
                                                           strings_of(args->find("Concrete Inputs"))};
                  }
                } else if (cat->string == "kernel") {
                  kernels.push_back({record, std::move(event)});
                }
              }
              if (reader.consume(',')) continue;
              reader.expect(']', "',' or ']' after an event");
              break;
            }
          }
        } else if (key == "cascade") {
          // Device and date recorded beside the trace (validation/cuda/kineto_bert.py).
          const JsonValue meta = reader.value();
          for (const auto& [name, value] : meta.members)
            (*result.traces.mutable_meta())[base::printable(name)] =
                value.is_string() ? base::printable(value.string) : base::printable(base::to_json_text(value));
        } else {
          reader.value();
        }
        if (reader.consume(',')) continue;
        reader.expect('}', "',' or '}' after a member");
        break;
      }
    }
  } catch (const base::InputError& e) {
    // Broken before its first event: not a trace cut short but no trace.
    if (!has_events || records == 0) throw;
    result.problems.push_back(path + ":" + std::to_string(e.pos().line) + ": record " + std::to_string(records) +
                              ": " + e.message() + "; the " + std::to_string(records) + " events before it are used");
  }
  if (!has_events) throw base::InputError(path, {}, "not a Kineto trace: no \"traceEvents\" array");

  for (auto& [n, event] : kernels) {
    const std::string where = path + ":" + std::to_string(event.pos.line) + ": record " + std::to_string(n);
    const JsonValue* dur = event.find("dur");
    if (!dur || !dur->is_number() || !(dur->number > 0)) {
      result.problems.push_back(where + ": kernel without a duration above 0");
      continue;
    }
    config::MeasuredRun run;
    run.set_name(text(event.find("name")));
    run.set_duration_s(dur->number * 1e-6);  // chrome traces count microseconds
    if (const JsonValue* ts = event.find("ts"); ts && ts->is_number() && std::isfinite(ts->number))
      run.set_start_s(ts->number * 1e-6);
    run.set_runs(1);
    run.set_source(where);
    run.set_line(static_cast<uint32_t>(event.pos.line));
    config::Kernel& k = *run.mutable_kernel();
    k.set_name(run.name());
    if (const JsonValue* args = event.find("args"); args && args->is_object()) {
      if (const std::string problem = read_launch(*args, k); !problem.empty()) {
        result.problems.push_back(where + ": " + problem);
        continue;
      }
      const double id = number(args->find("External id"), -1);
      if (base::is_whole_in_range<int64_t>(id))
        if (const auto op = operators.find(static_cast<int64_t>(id)); op != operators.end()) {
          run.set_operator_name(op->second.name);
          run.set_input_shapes(op->second.shapes);
          run.set_dtype(op->second.dtype);
          for (const auto& t : op->second.types) run.add_input_types(t);
          for (const auto& v : op->second.values) run.add_concrete_inputs(v);
        }
    }
    *result.traces.add_run() = std::move(run);
  }
  return result;
}

}  // namespace cascade::validation
