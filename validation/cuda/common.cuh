// Shared helpers for the Cascade CUDA measurement harness (validation/cuda/).
//
// - CUDA / cuBLAS / NVML return-code checks (every call is checked).
// - NVML loaded at run time with dlopen("libnvidia-ml.so.1"), so the harness builds where nvml.h
//   and libnvidia-ml are absent (e.g. a GPU-less build machine) and still runs without NVML
//   (energy columns then stay empty).
// - CSV metadata block ("# key: value" lines) common to every output file.
// - Event-based timing helpers and an NVML energy-counter sampler thread.
#pragma once

#include <cuda_runtime.h>
#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#define HARNESS_VERSION "cascade-cuda-harness 1.0.0 (2026-11-26)"

// ------------------------------------------------------------------------------------------------
// Error checking
// ------------------------------------------------------------------------------------------------
static int g_check_failures = 0;  // correctness-check failures (reported, not fatal)

#define CUDA_CHECK(call)                                                                        \
  do {                                                                                          \
    cudaError_t err_ = (call);                                                                  \
    if (err_ != cudaSuccess) {                                                                  \
      std::fprintf(stderr, "FATAL CUDA error %s (%s) at %s:%d: %s\n", cudaGetErrorName(err_),   \
                   cudaGetErrorString(err_), __FILE__, __LINE__, #call);                        \
      std::exit(2);                                                                             \
    }                                                                                           \
  } while (0)

// Launch check: catches configuration errors (synchronous) right after a launch.
#define CUDA_LAUNCH_CHECK() CUDA_CHECK(cudaGetLastError())

static inline double host_now_s() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

static inline std::string utc_now_string() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Replace characters that would break a CSV cell.
static inline std::string csv_safe(std::string s) {
  for (char& c : s)
    if (c == ',' || c == '\n' || c == '\r' || c == '"') c = ';';
  return s;
}

// ------------------------------------------------------------------------------------------------
// NVML through dlopen (ABI: nvmlReturn_t is an int enum, NVML_SUCCESS = 0; nvmlDevice_t is an
// opaque pointer; NVML_CLOCK_SM = 1, NVML_CLOCK_MEM = 2; NVML_TEMPERATURE_GPU = 0).
// ------------------------------------------------------------------------------------------------
struct Nvml {
  typedef int ret_t;
  typedef void* dev_t;
  void* lib = nullptr;
  dev_t dev = nullptr;
  bool ok = false;
  std::string why_not = "not initialised";

  ret_t (*Init)() = nullptr;
  ret_t (*Shutdown)() = nullptr;
  const char* (*ErrorString)(ret_t) = nullptr;
  ret_t (*GetHandleByPciBusId)(const char*, dev_t*) = nullptr;
  ret_t (*GetHandleByIndex)(unsigned, dev_t*) = nullptr;
  ret_t (*GetName)(dev_t, char*, unsigned) = nullptr;
  ret_t (*SystemGetDriverVersion)(char*, unsigned) = nullptr;
  ret_t (*GetTotalEnergy)(dev_t, unsigned long long*) = nullptr;
  ret_t (*GetPowerUsage)(dev_t, unsigned*) = nullptr;
  ret_t (*GetEnforcedPowerLimit)(dev_t, unsigned*) = nullptr;
  ret_t (*GetTemperature)(dev_t, int, unsigned*) = nullptr;
  ret_t (*GetClockInfo)(dev_t, int, unsigned*) = nullptr;
  ret_t (*GetMaxClockInfo)(dev_t, int, unsigned*) = nullptr;
  ret_t (*GetClocksEventReasons)(dev_t, unsigned long long*) = nullptr;
  ret_t (*GetPerformanceState)(dev_t, int*) = nullptr;

  template <typename F>
  void sym(F& f, const char* name) {
    f = reinterpret_cast<F>(dlsym(lib, name));
  }

  const char* err(ret_t r) const { return ErrorString ? ErrorString(r) : "?"; }

  // Initialise and bind to the NVML device that matches CUDA device `cuda_dev` by PCI bus id.
  void init(int cuda_dev) {
    const char* names[] = {"libnvidia-ml.so.1", "libnvidia-ml.so"};
    for (const char* n : names)
      if ((lib = dlopen(n, RTLD_NOW | RTLD_LOCAL)) != nullptr) break;
    if (!lib) {
      why_not = "dlopen(libnvidia-ml.so.1) failed";
      std::fprintf(stderr, "WARNING NVML unavailable: %s\n", why_not.c_str());
      return;
    }
    sym(Init, "nvmlInit_v2");
    sym(Shutdown, "nvmlShutdown");
    sym(ErrorString, "nvmlErrorString");
    sym(GetHandleByPciBusId, "nvmlDeviceGetHandleByPciBusId_v2");
    sym(GetHandleByIndex, "nvmlDeviceGetHandleByIndex_v2");
    sym(GetName, "nvmlDeviceGetName");
    sym(SystemGetDriverVersion, "nvmlSystemGetDriverVersion");
    sym(GetTotalEnergy, "nvmlDeviceGetTotalEnergyConsumption");
    sym(GetPowerUsage, "nvmlDeviceGetPowerUsage");
    sym(GetEnforcedPowerLimit, "nvmlDeviceGetEnforcedPowerLimit");
    sym(GetTemperature, "nvmlDeviceGetTemperature");
    sym(GetClockInfo, "nvmlDeviceGetClockInfo");
    sym(GetMaxClockInfo, "nvmlDeviceGetMaxClockInfo");
    sym(GetClocksEventReasons, "nvmlDeviceGetCurrentClocksEventReasons");
    if (!GetClocksEventReasons) sym(GetClocksEventReasons, "nvmlDeviceGetCurrentClocksThrottleReasons");
    sym(GetPerformanceState, "nvmlDeviceGetPerformanceState");
    if (!Init || !GetTotalEnergy) {
      why_not = "required NVML symbols missing";
      std::fprintf(stderr, "WARNING NVML unavailable: %s\n", why_not.c_str());
      return;
    }
    ret_t r = Init();
    if (r != 0) {
      why_not = std::string("nvmlInit_v2: ") + err(r);
      std::fprintf(stderr, "WARNING NVML unavailable: %s\n", why_not.c_str());
      return;
    }
    char bus[64] = {0};
    bool have = false;
    if (GetHandleByPciBusId && cudaDeviceGetPCIBusId(bus, sizeof bus, cuda_dev) == cudaSuccess) {
      r = GetHandleByPciBusId(bus, &dev);
      if (r == 0) have = true;
      else std::fprintf(stderr, "WARNING nvmlDeviceGetHandleByPciBusId_v2(%s): %s\n", bus, err(r));
    }
    if (!have && GetHandleByIndex) {
      r = GetHandleByIndex(0, &dev);
      if (r == 0) have = true;
      else std::fprintf(stderr, "WARNING nvmlDeviceGetHandleByIndex_v2(0): %s\n", err(r));
    }
    if (!have) {
      why_not = "no NVML device handle";
      return;
    }
    unsigned long long e = 0;
    r = GetTotalEnergy(dev, &e);
    if (r != 0) {
      why_not = std::string("nvmlDeviceGetTotalEnergyConsumption: ") + err(r);
      std::fprintf(stderr, "WARNING NVML energy unavailable: %s\n", why_not.c_str());
      return;
    }
    ok = true;
    why_not.clear();
  }

  // Each getter returns false (and prints the NVML error once per call site) on failure.
  bool energy_mj(unsigned long long* e) const {
    if (!ok) return false;
    ret_t r = GetTotalEnergy(dev, e);
    if (r != 0) {
      std::fprintf(stderr, "WARNING nvmlDeviceGetTotalEnergyConsumption: %s\n", err(r));
      return false;
    }
    return true;
  }
  long get_u(ret_t (*f)(dev_t, int, unsigned*), int arg, const char* what) const {
    if (!ok || !f) return -1;
    unsigned v = 0;
    ret_t r = f(dev, arg, &v);
    if (r != 0) {
      std::fprintf(stderr, "WARNING %s: %s\n", what, err(r));
      return -1;
    }
    return (long)v;
  }
  long sm_clock_mhz() const { return get_u(GetClockInfo, 1, "nvmlDeviceGetClockInfo(SM)"); }
  long mem_clock_mhz() const { return get_u(GetClockInfo, 2, "nvmlDeviceGetClockInfo(MEM)"); }
  long max_sm_clock_mhz() const { return get_u(GetMaxClockInfo, 1, "nvmlDeviceGetMaxClockInfo(SM)"); }
  long max_mem_clock_mhz() const { return get_u(GetMaxClockInfo, 2, "nvmlDeviceGetMaxClockInfo(MEM)"); }
  long temperature_c() const { return get_u(GetTemperature, 0, "nvmlDeviceGetTemperature"); }
  long power_mw() const {
    if (!ok || !GetPowerUsage) return -1;
    unsigned v = 0;
    ret_t r = GetPowerUsage(dev, &v);
    if (r != 0) {
      std::fprintf(stderr, "WARNING nvmlDeviceGetPowerUsage: %s\n", err(r));
      return -1;
    }
    return (long)v;
  }
  long power_limit_mw() const {
    if (!ok || !GetEnforcedPowerLimit) return -1;
    unsigned v = 0;
    ret_t r = GetEnforcedPowerLimit(dev, &v);
    if (r != 0) {
      std::fprintf(stderr, "WARNING nvmlDeviceGetEnforcedPowerLimit: %s\n", err(r));
      return -1;
    }
    return (long)v;
  }
  long long clock_event_reasons() const {
    if (!ok || !GetClocksEventReasons) return -1;
    unsigned long long v = 0;
    ret_t r = GetClocksEventReasons(dev, &v);
    if (r != 0) return -1;
    return (long long)v;
  }
  int pstate() const {
    if (!ok || !GetPerformanceState) return -1;
    int p = -1;
    if (GetPerformanceState(dev, &p) != 0) return -1;
    return p;
  }
  std::string name() const {
    if (!ok || !GetName) return "";
    char b[128] = {0};
    return GetName(dev, b, sizeof b) == 0 ? std::string(b) : std::string();
  }
  std::string driver_version() const {
    if (!ok || !SystemGetDriverVersion) return "";
    char b[128] = {0};
    return SystemGetDriverVersion(b, sizeof b) == 0 ? std::string(b) : std::string();
  }
  void shutdown() {
    if (ok && Shutdown) Shutdown();
    ok = false;
  }
};

// ------------------------------------------------------------------------------------------------
// Device info and the CSV metadata block
// ------------------------------------------------------------------------------------------------
struct DeviceInfo {
  int dev = 0;
  cudaDeviceProp prop{};
  int clock_khz = 0;      // cudaDevAttrClockRate (peak SM clock)
  int mem_clock_khz = 0;  // cudaDevAttrMemoryClockRate
  int mem_bus_width = 0;
  int driver_ver = 0, runtime_ver = 0;
};

static inline DeviceInfo get_device_info(int dev = 0) {
  DeviceInfo d;
  d.dev = dev;
  CUDA_CHECK(cudaSetDevice(dev));
  CUDA_CHECK(cudaGetDeviceProperties(&d.prop, dev));
  CUDA_CHECK(cudaDeviceGetAttribute(&d.clock_khz, cudaDevAttrClockRate, dev));
  CUDA_CHECK(cudaDeviceGetAttribute(&d.mem_clock_khz, cudaDevAttrMemoryClockRate, dev));
  CUDA_CHECK(cudaDeviceGetAttribute(&d.mem_bus_width, cudaDevAttrGlobalMemoryBusWidth, dev));
  CUDA_CHECK(cudaDriverGetVersion(&d.driver_ver));
  CUDA_CHECK(cudaRuntimeGetVersion(&d.runtime_ver));
  return d;
}

static inline std::string ver_str(int v) {
  char b[32];
  std::snprintf(b, sizeof b, "%d.%d", v / 1000, (v % 1000) / 10);
  return b;
}

// Writes the "# key: value" block. `extra` holds program-specific keys.
static inline void write_meta(FILE* f, const char* program, const DeviceInfo& d, const Nvml& nv,
                              const std::vector<std::pair<std::string, std::string>>& extra) {
  auto kv = [&](const std::string& k, const std::string& v) {
    std::fprintf(f, "# %s: %s\n", k.c_str(), v.c_str());
  };
  auto num = [](long v) { return v < 0 ? std::string("n/a") : std::to_string(v); };
  kv("harness_version", HARNESS_VERSION);
  kv("program", program);
  kv("date_utc", utc_now_string());
  kv("gpu_name", d.prop.name);
  kv("nvml_gpu_name", nv.ok ? nv.name() : "n/a (" + nv.why_not + ")");
  kv("compute_capability", std::to_string(d.prop.major) + "." + std::to_string(d.prop.minor));
  kv("driver_version_nvml", nv.ok ? nv.driver_version() : "n/a");
  kv("cuda_driver_api_version", ver_str(d.driver_ver));
  kv("cuda_runtime_version", ver_str(d.runtime_ver));
  kv("nvcc_version", std::to_string(__CUDACC_VER_MAJOR__) + "." + std::to_string(__CUDACC_VER_MINOR__) +
                         "." + std::to_string(__CUDACC_VER_BUILD__));
  kv("sm_count", std::to_string(d.prop.multiProcessorCount));
  kv("sm_clock_mhz_current_nvml", num(nv.sm_clock_mhz()));
  kv("sm_clock_mhz_max_nvml", num(nv.max_sm_clock_mhz()));
  kv("sm_clock_mhz_peak_cudaDevAttrClockRate", std::to_string(d.clock_khz / 1000));
  kv("mem_clock_mhz_current_nvml", num(nv.mem_clock_mhz()));
  kv("mem_clock_mhz_max_nvml", num(nv.max_mem_clock_mhz()));
  kv("mem_clock_mhz_cudaDevAttrMemoryClockRate", std::to_string(d.mem_clock_khz / 1000));
  kv("mem_bus_width_bits", std::to_string(d.mem_bus_width));
  kv("temperature_c", num(nv.temperature_c()));
  long pl = nv.power_limit_mw();
  kv("power_limit_w", pl < 0 ? "n/a" : std::to_string(pl / 1000.0));
  long pw = nv.power_mw();
  kv("power_usage_w_now", pw < 0 ? "n/a" : std::to_string(pw / 1000.0));
  kv("pstate", nv.pstate() < 0 ? "n/a" : "P" + std::to_string(nv.pstate()));
  long long cr = nv.clock_event_reasons();
  char crb[32];
  std::snprintf(crb, sizeof crb, "0x%llx", (unsigned long long)cr);
  kv("clock_event_reasons", cr < 0 ? "n/a" : crb);
  kv("global_mem_bytes", std::to_string((unsigned long long)d.prop.totalGlobalMem));
  kv("l2_cache_bytes", std::to_string(d.prop.l2CacheSize));
  kv("smem_per_sm_bytes", std::to_string(d.prop.sharedMemPerMultiprocessor));
  kv("smem_per_block_optin_bytes", std::to_string(d.prop.sharedMemPerBlockOptin));
  kv("reserved_smem_per_block_bytes", std::to_string(d.prop.reservedSharedMemPerBlock));
  kv("regs_per_sm", std::to_string(d.prop.regsPerMultiprocessor));
  kv("max_threads_per_sm", std::to_string(d.prop.maxThreadsPerMultiProcessor));
  kv("max_blocks_per_sm", std::to_string(d.prop.maxBlocksPerMultiProcessor));
  kv("nvml_status", nv.ok ? "ok" : nv.why_not);
  for (auto& e : extra) kv(e.first, e.second);
}

static inline void print_device_banner(const DeviceInfo& d, const Nvml& nv) {
  std::printf("device: %s cc %d.%d, %d SMs, peak SM clock %d MHz, runtime %s, driver API %s, NVML %s\n",
              d.prop.name, d.prop.major, d.prop.minor, d.prop.multiProcessorCount, d.clock_khz / 1000,
              ver_str(d.runtime_ver).c_str(), ver_str(d.driver_ver).c_str(),
              nv.ok ? ("ok, driver " + nv.driver_version()).c_str() : nv.why_not.c_str());
  std::fflush(stdout);
}

// ------------------------------------------------------------------------------------------------
// Timing
// ------------------------------------------------------------------------------------------------
struct Stats {
  double median_ms = NAN, min_ms = NAN, max_ms = NAN;
  int runs = 0;
};

static inline Stats stats_of(std::vector<float> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  s.median_ms = (n % 2) ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  s.min_ms = v.front();
  s.max_ms = v.back();
  s.runs = (int)n;
  return s;
}

// Times `launch(i)` (i = run index, for input rotation) with a CUDA event pair around each run.
// The launch functor must enqueue on stream 0 and must not synchronise.
static inline Stats time_launches(const std::function<void(int)>& launch, int warmup, int runs) {
  cudaEvent_t a, b;
  CUDA_CHECK(cudaEventCreate(&a));
  CUDA_CHECK(cudaEventCreate(&b));
  for (int i = 0; i < warmup; ++i) launch(i);
  CUDA_LAUNCH_CHECK();
  CUDA_CHECK(cudaDeviceSynchronize());
  std::vector<float> t;
  t.reserve(runs);
  for (int i = 0; i < runs; ++i) {
    CUDA_CHECK(cudaEventRecord(a, 0));
    launch(warmup + i);
    CUDA_CHECK(cudaEventRecord(b, 0));
    CUDA_CHECK(cudaEventSynchronize(b));
    CUDA_LAUNCH_CHECK();
    float ms = 0.f;
    CUDA_CHECK(cudaEventElapsedTime(&ms, a, b));
    t.push_back(ms);
  }
  CUDA_CHECK(cudaEventDestroy(a));
  CUDA_CHECK(cudaEventDestroy(b));
  return stats_of(t);
}

// A probe's launch (the *_probe.cu programs): timed (5 warm-up, 20 timed launches, time_launches),
// or with `once` launched a single time for a profiler, untimed.
static inline std::optional<Stats> probe_launch(const std::function<void(int)>& launch, bool once) {
  if (!once) return time_launches(launch, 5, 20);
  launch(0);
  CUDA_LAUNCH_CHECK();
  CUDA_CHECK(cudaDeviceSynchronize());
  return std::nullopt;
}

// Opens a probe's CSV and writes its metadata lines: the program and mode, the GPU, the date and
// how it times. Exits with 2 where the file cannot be written.
static inline FILE* open_probe_csv(const char* path, const char* program, const std::string& mode) {
  FILE* out = std::fopen(path, "w");
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", path);
    std::exit(2);
  }
  cudaDeviceProp prop;
  CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
  std::fprintf(out, "# program: %s %s (validation/cuda/%s.cu)\n# gpu_name: %s (%d SMs, L2 %d bytes)\n# date_utc: %s\n",
               program, mode.c_str(), program, prop.name, prop.multiProcessorCount, prop.l2CacheSize,
               utc_now_string().c_str());
  std::fprintf(out, "# timing: CUDA event pair around each launch; 5 warm-up, 20 timed; median/min/max\n");
  return out;
}

// ------------------------------------------------------------------------------------------------
// NVML energy-counter sampler: a thread polls nvmlDeviceGetTotalEnergyConsumption every ~0.5 ms
// and keeps the (host time, energy) pairs at which the counter changed (it updates every ~100 ms
// on H100). Used for a steady-state power estimate that avoids the window-edge quantisation of a
// plain before/after bracket.
// ------------------------------------------------------------------------------------------------
class EnergySampler {
 public:
  explicit EnergySampler(const Nvml& nv) : nv_(nv) {}
  ~EnergySampler() { stop(); }
  void start() {
    if (!nv_.ok || running_) return;
    changes_.clear();
    running_ = true;
    th_ = std::thread([this] { loop(); });
  }
  void stop() {
    if (!running_) return;
    running_ = false;
    th_.join();
  }
  // Average power (W) from counter changes between host times t0 and t1; n = number of changes used.
  double steady_power_w(double t0, double t1, int* n) const {
    std::lock_guard<std::mutex> g(m_);
    double tf = -1, tl = -1;
    unsigned long long ef = 0, el = 0;
    int cnt = 0;
    for (auto& c : changes_) {
      if (c.first < t0 || c.first > t1) continue;
      if (tf < 0) {
        tf = c.first;
        ef = c.second;
      }
      tl = c.first;
      el = c.second;
      ++cnt;
    }
    *n = cnt;
    if (cnt < 2 || tl <= tf) return NAN;
    return (double)(el - ef) * 1e-3 / (tl - tf);
  }

 private:
  void loop() {
    unsigned long long last = 0;
    bool have = false;
    while (running_) {
      unsigned long long e = 0;
      if (nv_.GetTotalEnergy(nv_.dev, &e) == 0) {
        double t = host_now_s();
        if (!have || e != last) {
          std::lock_guard<std::mutex> g(m_);
          if (have) changes_.emplace_back(t, e);
          last = e;
          have = true;
        }
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  }
  const Nvml& nv_;
  std::atomic<bool> running_{false};
  std::thread th_;
  mutable std::mutex m_;
  std::vector<std::pair<double, unsigned long long>> changes_;
};

// Result of one energy window.
struct EnergyResult {
  bool valid = false;
  double window_s = NAN;     // CUDA-event time of the whole window
  long launches = 0;
  double j_per_launch = NAN; // bracket: (E_after - E_before) / launches
  double avg_power_w = NAN;  // bracket: (E_after - E_before) / host window time
  double ss_power_w = NAN;   // steady state, from counter changes inside the window (skipping 150 ms)
  int ss_updates = 0;
  long temp_c_end = -1, sm_clock_mhz_end = -1;
  long long clock_reasons_end = -1;
};

// Runs `launch(i)` back-to-back for about `target_s` seconds, reading the NVML energy counter before
// and after (each after synchronising). The launch count comes from a short calibration burst of
// back-to-back launches (~50 ms, event-timed), because a per-launch event pair overestimates the
// back-to-back time of short kernels.
static inline EnergyResult energy_window(const Nvml& nv, EnergySampler& sampler,
                                         const std::function<void(int)>& launch, double est_ms_per_launch,
                                         double target_s) {
  EnergyResult r;
  if (!nv.ok) return r;
  cudaEvent_t a, b;
  CUDA_CHECK(cudaEventCreate(&a));
  CUDA_CHECK(cudaEventCreate(&b));
  // Calibration burst.
  long nb = (long)std::ceil(50.0 / std::max(est_ms_per_launch, 1e-4));
  nb = std::min(std::max(nb, 2L), 200000L);
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaEventRecord(a, 0));
  for (long i = 0; i < nb; ++i) launch((int)(i & 0x7fffffff));
  CUDA_CHECK(cudaEventRecord(b, 0));
  CUDA_CHECK(cudaEventSynchronize(b));
  CUDA_LAUNCH_CHECK();
  float bms = 0.f;
  CUDA_CHECK(cudaEventElapsedTime(&bms, a, b));
  double per = std::max((double)bms / nb, 1e-4);  // ms per back-to-back launch
  long n = (long)std::ceil(target_s * 1000.0 / per);
  n = std::min(std::max(n, 3L), 20000000L);

  unsigned long long e0 = 0, e1 = 0;
  CUDA_CHECK(cudaDeviceSynchronize());
  if (!nv.energy_mj(&e0)) return r;
  double h0 = host_now_s();
  CUDA_CHECK(cudaEventRecord(a, 0));
  for (long i = 0; i < n; ++i) launch((int)(i & 0x7fffffff));
  CUDA_CHECK(cudaEventRecord(b, 0));
  CUDA_CHECK(cudaEventSynchronize(b));
  CUDA_LAUNCH_CHECK();
  double h1 = host_now_s();
  bool ok1 = nv.energy_mj(&e1);
  r.temp_c_end = nv.temperature_c();
  r.sm_clock_mhz_end = nv.sm_clock_mhz();
  r.clock_reasons_end = nv.clock_event_reasons();
  float ms = 0.f;
  CUDA_CHECK(cudaEventElapsedTime(&ms, a, b));
  CUDA_CHECK(cudaEventDestroy(a));
  CUDA_CHECK(cudaEventDestroy(b));
  if (!ok1) return r;
  r.valid = true;
  r.window_s = ms * 1e-3;
  r.launches = n;
  r.j_per_launch = (double)(e1 - e0) * 1e-3 / (double)n;
  r.avg_power_w = (double)(e1 - e0) * 1e-3 / (h1 - h0);
  r.ss_power_w = sampler.steady_power_w(h0 + 0.15, h1, &r.ss_updates);
  return r;
}

// Hash-based deterministic pseudo-random value in [-1, 1), reproducible on host and device.
__host__ __device__ inline float hash_uniform(uint64_t idx, uint32_t seed) {
  uint64_t x = idx * 0x9E3779B97F4A7C15ull + (uint64_t)seed * 0xD1B54A32D192ED03ull + 0x632BE59BD9B4E019ull;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 33;
  return (float)((x >> 40) & 0xFFFFFF) * (2.0f / 16777216.0f) - 1.0f;
}

static inline std::string fmt(const char* f, ...) {
  char b[512];
  va_list ap;
  va_start(ap, f);
  std::vsnprintf(b, sizeof b, f, ap);
  va_end(ap);
  return b;
}
static inline std::string fnum(double v, const char* f = "%.6g") {
  return std::isfinite(v) ? fmt(f, v) : std::string();
}
