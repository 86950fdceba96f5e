#include "base/ProtoOverride.h"

#include <google/protobuf/descriptor.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "base/InputError.h"
#include "base/Text.h"

namespace cascade::base {
namespace {

namespace pb = google::protobuf;

// One step of a path: a field name and, in brackets, an index or a map key.
struct PathStep {
  std::string field;
  bool has_key = false;
  std::string key;
};

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw InputError("override", {}, "'" + printable(path) + "': " + message);
}

std::vector<PathStep> split(const std::string& path) {
  std::vector<PathStep> steps;
  const size_t n = path.size();
  size_t i = 0;
  while (true) {
    size_t j = i;
    while (j < n && path[j] != '.' && path[j] != '[') ++j;
    PathStep step{path.substr(i, j - i), false, ""};
    if (step.field.empty()) fail(path, "an empty field name (expected names separated by '.')");
    if (j < n && path[j] == '[') {
      const size_t close = path.find(']', j);
      if (close == std::string::npos) fail(path, "a '[' without its ']'");
      step.has_key = true;
      step.key = path.substr(j + 1, close - j - 1);
      j = close + 1;
      if (j < n && path[j] != '.') fail(path, "expected '.' after ']'");
    }
    steps.push_back(std::move(step));
    if (j >= n) return steps;
    i = j + 1;
  }
}

template <typename T>
T whole(const std::string& path, const std::string& value) {
  T v{};
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size())
    fail(path, "'" + printable(value) + "' is not a whole number from " + std::to_string(std::numeric_limits<T>::min()) +
                   " to " + std::to_string(std::numeric_limits<T>::max()));
  return v;
}

double real(const std::string& path, const std::string& value) {
  double v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(v))
    fail(path, "'" + printable(value) + "' is not a finite number");
  return v;
}

// Sets a singular scalar field, or the element `index` of a repeated scalar field (-1: singular).
void set_scalar(pb::Message& m, const pb::FieldDescriptor* f, int index, const std::string& path,
                const std::string& value) {
  const pb::Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32: {
      const auto v = whole<int32_t>(path, value);
      rep ? r->SetRepeatedInt32(&m, f, index, v) : r->SetInt32(&m, f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      const auto v = whole<int64_t>(path, value);
      rep ? r->SetRepeatedInt64(&m, f, index, v) : r->SetInt64(&m, f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_UINT32: {
      const auto v = whole<uint32_t>(path, value);
      rep ? r->SetRepeatedUInt32(&m, f, index, v) : r->SetUInt32(&m, f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
      const auto v = whole<uint64_t>(path, value);
      rep ? r->SetRepeatedUInt64(&m, f, index, v) : r->SetUInt64(&m, f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_DOUBLE: {
      const double v = real(path, value);
      rep ? r->SetRepeatedDouble(&m, f, index, v) : r->SetDouble(&m, f, v);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_FLOAT: {
      const double v = real(path, value);
      if (std::abs(v) > std::numeric_limits<float>::max()) fail(path, "'" + printable(value) + "' is beyond a float");
      rep ? r->SetRepeatedFloat(&m, f, index, static_cast<float>(v)) : r->SetFloat(&m, f, static_cast<float>(v));
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      if (value != "true" && value != "false") fail(path, "'" + printable(value) + "' is not true or false");
      rep ? r->SetRepeatedBool(&m, f, index, value == "true") : r->SetBool(&m, f, value == "true");
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_STRING:
      rep ? r->SetRepeatedString(&m, f, index, value) : r->SetString(&m, f, value);
      break;
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumValueDescriptor* e = f->enum_type()->FindValueByName(value);
      if (!e) fail(path, "'" + printable(value) + "' is no value of " + f->enum_type()->name());
      rep ? r->SetRepeatedEnum(&m, f, index, e) : r->SetEnum(&m, f, e);
      break;
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      fail(path, "names a message, not a value: give one of its fields");
  }
}

}  // namespace

void set_field_by_path(pb::Message& message, const std::string& path, const std::string& value) {
  const std::vector<PathStep> steps = split(path);
  pb::Message* m = &message;
  for (size_t i = 0; i < steps.size(); ++i) {
    const PathStep& s = steps[i];
    const bool last = i + 1 == steps.size();
    const pb::FieldDescriptor* f = m->GetDescriptor()->FindFieldByName(s.field);
    if (!f) {
      std::string fields;
      for (int k = 0; k < m->GetDescriptor()->field_count(); ++k)
        fields += (k ? ", " : "") + m->GetDescriptor()->field(k)->name();
      fail(path, m->GetDescriptor()->name() + " has no field '" + printable(s.field) + "' (its fields: " + fields + ")");
    }
    const pb::Reflection* r = m->GetReflection();
    if (f->is_map()) {
      if (!s.has_key) fail(path, "'" + s.field + "' is a map: give its key in brackets");
      if (!last) fail(path, "a map entry's value is the end of the path");
      const pb::FieldDescriptor* kf = f->message_type()->FindFieldByName("key");
      const pb::FieldDescriptor* vf = f->message_type()->FindFieldByName("value");
      if (kf->cpp_type() != pb::FieldDescriptor::CPPTYPE_STRING)
        fail(path, "only maps with text keys can be set");
      pb::Message* entry = nullptr;
      for (int k = 0; k < r->FieldSize(*m, f); ++k) {
        pb::Message* e = r->MutableRepeatedMessage(m, f, k);
        if (e->GetReflection()->GetString(*e, kf) == s.key) entry = e;
      }
      if (!entry) {
        entry = r->AddMessage(m, f);
        entry->GetReflection()->SetString(entry, kf, s.key);
      }
      set_scalar(*entry, vf, -1, path, value);
      return;
    }
    if (f->is_repeated()) {
      if (!s.has_key) fail(path, "'" + s.field + "' is repeated: give an index in brackets, from 0");
      const int size = r->FieldSize(*m, f);
      const auto index = whole<uint32_t>(path, s.key);
      if (index >= static_cast<uint32_t>(size))
        fail(path, "index " + s.key + " of '" + s.field + "', which has " + std::to_string(size) + " entries");
      if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
        if (last) fail(path, "names a message, not a value: give one of its fields");
        m = r->MutableRepeatedMessage(m, f, static_cast<int>(index));
        continue;
      }
      if (!last) fail(path, "'" + s.field + "' holds values, not messages");
      set_scalar(*m, f, static_cast<int>(index), path, value);
      return;
    }
    if (s.has_key) fail(path, "'" + s.field + "' is neither repeated nor a map: no brackets");
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (last) fail(path, "names a message, not a value: give one of its fields");
      m = r->MutableMessage(m, f);
      continue;
    }
    if (!last) fail(path, "'" + s.field + "' is a value: nothing below it");
    set_scalar(*m, f, -1, path, value);
    return;
  }
}

}  // namespace cascade::base
