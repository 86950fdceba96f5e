#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <map>

#include "validation/gpu/TraceImport.h"
#include "workloads/ir/SourcePos.h"
#include "workloads/parser/TextProtoFile.h"

namespace cascade::validation {
namespace {

namespace pb = google::protobuf;

// The top-level objects of the "traceEvents" array, each as its own text: brace matching outside
// strings, so that one broken or cut-off event does not lose the others.
std::vector<std::string> split_events(const std::string& text, bool& truncated) {
  std::vector<std::string> events;
  truncated = false;
  const size_t key = text.find("\"traceEvents\"");
  if (key == std::string::npos) return events;
  size_t i = text.find('[', key);
  if (i == std::string::npos) {
    truncated = true;
    return events;
  }
  ++i;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
    if (i >= text.size()) break;
    if (text[i] == ']') return events;
    if (text[i] != '{') {
      truncated = true;
      return events;
    }
    const size_t start = i;
    int depth = 0;
    bool in_string = false, escaped = false, closed = false;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (in_string) {
        if (escaped) escaped = false;
        else if (c == '\\') escaped = true;
        else if (c == '"') in_string = false;
        continue;
      }
      if (c == '"') in_string = true;
      else if (c == '{') ++depth;
      else if (c == '}' && --depth == 0) {
        ++i;
        closed = true;
        break;
      }
    }
    if (!closed) {
      truncated = true;
      return events;
    }
    events.push_back(text.substr(start, i - start));
  }
  truncated = true;  // no closing bracket
  return events;
}

const pb::Value* field(const pb::Struct& s, const std::string& name) {
  const auto it = s.fields().find(name);
  return it == s.fields().end() ? nullptr : &it->second;
}

double number(const pb::Value* v, double fallback = 0) {
  return v && v->kind_case() == pb::Value::kNumberValue ? v->number_value() : fallback;
}

std::string dims_text(const pb::Value* v) {
  if (!v) return "";
  std::string json;
  pb::util::MessageToJsonString(*v, &json);
  return json;
}

// The data type of an operator's first input ("Input type": ["c10::BFloat16", ...]).
std::string dtype_of(const pb::Value* types) {
  if (!types || types->kind_case() != pb::Value::kListValue || types->list_value().values().empty()) return "";
  const std::string first = types->list_value().values(0).string_value();
  if (first == "c10::BFloat16") return "bf16";
  if (first == "c10::Half") return "fp16";
  if (first == "float") return "fp32";
  return "";
}

}  // namespace

ImportResult import_kineto_json(const std::string& path) {
  ImportResult result;
  const std::string text = workloads::TextProtoFile::read(path);
  bool truncated = false;
  const auto events = split_events(text, truncated);
  struct Operator {
    std::string name, shapes, dtype;
  };
  std::map<double, Operator> operators;  // by External id
  std::vector<std::pair<size_t, pb::Struct>> kernels;
  for (size_t n = 0; n < events.size(); ++n) {
    pb::Struct event;
    if (!pb::util::JsonStringToMessage(events[n], &event).ok()) {
      result.problems.push_back(path + ": record " + std::to_string(n) + ": not a JSON object");
      continue;
    }
    const pb::Value* cat = field(event, "cat");
    const std::string category = cat ? cat->string_value() : "";
    const pb::Value* args = field(event, "args");
    if (category == "cpu_op" && args) {
      const double id = number(field(args->struct_value(), "External id"), -1);
      if (id >= 0 && !operators.count(id)) {
        const pb::Value* name = field(event, "name");
        operators[id] = {name ? name->string_value() : "", dims_text(field(args->struct_value(), "Input Dims")),
                         dtype_of(field(args->struct_value(), "Input type"))};
      }
    } else if (category == "kernel") {
      kernels.emplace_back(n, std::move(event));
    }
  }
  if (truncated)
    result.problems.push_back(path + ": record " + std::to_string(events.size()) +
                              ": the file ends inside an event (truncated); the " +
                              std::to_string(events.size()) + " events before it are used");
  for (auto& [n, event] : kernels) {
    const std::string where = path + ": record " + std::to_string(n);
    const pb::Value* dur = field(event, "dur");
    if (!dur || dur->kind_case() != pb::Value::kNumberValue) {
      result.problems.push_back(where + ": kernel without a duration");
      continue;
    }
    config::MeasuredRun& run = *result.traces.add_run();
    const pb::Value* name = field(event, "name");
    run.set_name(name ? name->string_value() : "");
    run.set_duration_s(dur->number_value() * 1e-6);  // chrome traces count microseconds
    run.set_runs(1);
    run.set_source(where);
    config::Kernel& k = *run.mutable_kernel();
    k.set_name(run.name());
    if (const pb::Value* args = field(event, "args")) {
      const pb::Struct& a = args->struct_value();
      const auto dim3 = [&](const char* key, config::Dim3* out) {
        const pb::Value* v = field(a, key);
        if (!v || v->kind_case() != pb::Value::kListValue) return;
        const auto& l = v->list_value().values();
        if (l.size() > 0) out->set_x(static_cast<uint32_t>(l[0].number_value()));
        if (l.size() > 1) out->set_y(static_cast<uint32_t>(l[1].number_value()));
        if (l.size() > 2) out->set_z(static_cast<uint32_t>(l[2].number_value()));
      };
      dim3("grid", k.mutable_grid());
      dim3("block", k.mutable_block());
      k.set_registers_per_thread(static_cast<uint32_t>(number(field(a, "registers per thread"))));
      k.set_dynamic_smem_bytes(static_cast<uint32_t>(number(field(a, "shared memory"))));
      const double id = number(field(a, "External id"), -1);
      if (const auto op = operators.find(id); op != operators.end()) {
        run.set_operator_name(op->second.name);
        run.set_input_shapes(op->second.shapes);
        run.set_dtype(op->second.dtype);
      }
    }
  }
  // Device and date recorded beside the trace (validation/cuda/kineto_bert.py) and by Kineto.
  const size_t meta = text.find("\"cascade\"");
  if (meta != std::string::npos) {
    const size_t open = text.find('{', meta), close = text.find('}', meta);
    pb::Struct s;
    if (open != std::string::npos && close != std::string::npos &&
        pb::util::JsonStringToMessage(text.substr(open, close - open + 1), &s).ok())
      for (const auto& [key, value] : s.fields())
        (*result.traces.mutable_meta())[key] =
            value.kind_case() == pb::Value::kStringValue ? value.string_value() : dims_text(&value);
  }
  return result;
}

}  // namespace cascade::validation
