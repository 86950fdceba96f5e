#include "plots/Gnuplot.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "base/InputFile.h"

extern char** environ;

namespace cascade::plots {
namespace {

// The longest a chart may take: far above a real one (under a second), short of a hang.
constexpr int kTimeoutMs = 120'000;

std::string read_staged(const std::string& path) {
  return base::read_input_file(path, base::kMaxTraceBytes);
}

// The last lines gnuplot printed, for the error message.
std::string tail_of(const std::string& log) {
  std::string text;
  try {
    text = read_staged(log);
  } catch (const std::exception&) {
    return "";
  }
  if (text.size() > 600) text = "..." + text.substr(text.size() - 600);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

Gnuplot::Gnuplot() { script_ << "set encoding utf8\n"; }

std::string Gnuplot::text(const std::string& s) {
  std::string q = "'";
  size_t shown = 0;
  for (const char c : s) {
    if (++shown > 200) {
      q += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (c == '\'') q += "''";
    else if (u < 0x20 || u == 0x7f) q += '?';
    else q += c;
  }
  return q + "'";
}

std::string Gnuplot::data(const std::vector<std::vector<double>>& rows) {
  const std::string name = "data" + std::to_string(files_++) + ".dat";
  std::string body;
  char buffer[32];
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (!std::isfinite(row[i])) throw std::invalid_argument("plot data must be finite numbers");
      std::snprintf(buffer, sizeof buffer, "%s%.17g", i ? " " : "", row[i]);
      body += buffer;
    }
    body += '\n';
  }
  base::write_output_file(dir_.path() + "/" + name, body);
  return "'" + name + "'";
}

std::string Gnuplot::output(const std::string& path) {
  base::check_output_path(path);
  const std::string name = "chart" + std::to_string(files_++);
  outputs_.emplace_back(dir_.path() + "/" + name, path);
  return "'" + name + "'";
}

void Gnuplot::run() {
  // Closing the output lets gnuplot finish the file before it exits.
  script_ << "unset output\n";
  const std::string script = dir_.path() + "/script.gp", log = dir_.path() + "/gnuplot.log";
  base::write_output_file(script, script_.str());

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // gnuplot runs in the private folder and names its files there, relative: no path of ours or
  // the user's is ever part of its commands.
  posix_spawn_file_actions_addchdir_np(&actions, dir_.path().c_str());
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  char program[] = "gnuplot", defaults[] = "-d";
  char script_arg[] = "script.gp";
  char* argv[] = {program, defaults, script_arg, nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned == ENOENT) throw std::runtime_error("gnuplot not found on PATH (Debian package gnuplot-nox)");
  if (spawned != 0) throw std::runtime_error(std::string("cannot start gnuplot: ") + std::strerror(spawned));

  int status = 0;
  for (int waited = 0;; waited += 10) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) throw std::runtime_error(std::string("waiting for gnuplot: ") + std::strerror(errno));
    if (waited >= kTimeoutMs) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw std::runtime_error("gnuplot took more than " + std::to_string(kTimeoutMs / 1000) + " s; stopped");
    }
    const struct timespec pause {0, 10'000'000};
    ::nanosleep(&pause, nullptr);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("gnuplot failed: " + tail_of(log));
  for (const auto& [staged, path] : outputs_) {
    const std::string bytes = read_staged(staged);
    if (bytes.empty()) throw std::runtime_error("gnuplot wrote no chart for " + path + ": " + tail_of(log));
    base::write_output_file(path, bytes);
  }
}

}  // namespace cascade::plots
