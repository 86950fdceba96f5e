#include "app/cli/ParetoCommand.h"

#include <boost/program_options.hpp>
#include <iostream>
#include <map>
#include <set>

#include "app/cli/ExitCodes.h"
#include "app/sweep/Pareto.h"
#include "app/sweep/SweepTable.h"
#include "base/Csv.h"
#include "base/InputError.h"
#include "base/OutputFile.h"
#include "base/Text.h"
#include "plots/SweepCharts.h"

namespace cascade::app {
namespace {

namespace po = boost::program_options;

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> names;
  std::string name;
  for (const char c : text + ",") {
    if (c != ',') {
      name += c;
    } else if (!name.empty()) {
      names.push_back(name);
      name.clear();
    }
  }
  return names;
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + base::csv_cell(fields[i]);
  return line + "\n";
}

// The axis columns of a sweep's results: those between "workload" and "model" (docs/sweeps.md).
std::vector<size_t> axis_columns(const SweepTable& t) {
  const size_t from = t.column("workload"), to = t.column("model");
  std::vector<size_t> axes;
  for (size_t c = from + 1; c < to; ++c) axes.push_back(c);
  return axes;
}

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& named) {
  po::options_description hidden;
  hidden.add_options()("results", po::value<std::string>());
  po::options_description all;
  all.add(named).add(hidden);
  po::positional_options_description positional;
  positional.add("results", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  po::notify(vm);
  return vm;
}

}  // namespace

int run_pareto_command(const std::vector<std::string>& args) {
  po::options_description named("options of 'cascade pareto'");
  named.add_options()("help,h", "print this help")(
      "minimize", po::value<std::string>()->default_value(""), "metrics to minimize, comma-separated")(
      "maximize", po::value<std::string>()->default_value(""), "metrics to maximize, comma-separated")(
      "output,o", po::value<std::string>(), "write the front's rows as CSV")(
      "plot", po::value<std::string>(), "chart every point and the front by the first two metrics: STEM.png, STEM.svg")(
      "log", "log axes on the chart");
  const po::variables_map vm = parse(args, named);
  if (vm.count("help")) {
    std::cout << "usage: cascade pareto RESULTS.csv --minimize M[,M...] [--maximize M[,M...]] [-o FRONT.csv]\n"
                 "                     [--plot STEM] [--log]\n\n"
                 "The rows of a sweep's results that no other row beats in every metric given (at least as\n"
                 "good in all, better in one): printed, written as CSV, charted. Rows with an error or\n"
                 "without one of the metrics are left out (docs/sweeps.md).\n\n"
              << named;
    return kExitOk;
  }
  if (!vm.count("results")) throw UsageError{"pareto: give the results file"};
  const auto minimize = split_commas(vm["minimize"].as<std::string>());
  const auto maximize = split_commas(vm["maximize"].as<std::string>());
  if (minimize.size() + maximize.size() < 1) throw UsageError{"pareto: give metrics to --minimize or --maximize"};
  if (vm.count("plot") && minimize.size() + maximize.size() < 2)
    throw UsageError{"pareto: --plot needs two metrics (the chart's axes)"};
  if (vm.count("output")) base::check_output_path(vm["output"].as<std::string>());
  const SweepTable table = SweepTable::load(vm["results"].as<std::string>());
  std::vector<std::string> names;
  std::vector<size_t> columns;
  std::vector<double> sign;
  for (const auto& m : minimize) names.push_back(m), columns.push_back(table.column(m)), sign.push_back(1);
  for (const auto& m : maximize) names.push_back(m), columns.push_back(table.column(m)), sign.push_back(-1);
  std::set<std::string> seen;
  for (const auto& n : names)
    if (!seen.insert(n).second) throw UsageError{"pareto: metric '" + base::printable(n) + "' given twice"};
  std::vector<size_t> rows;
  std::vector<std::vector<double>> points;
  for (size_t r = 0; r < table.rows(); ++r) {
    std::vector<double> p;
    for (size_t k = 0; k < columns.size(); ++k)
      if (const auto v = table.number(r, columns[k])) p.push_back(sign[k] * *v);
    if (p.size() != columns.size()) continue;
    rows.push_back(r);
    points.push_back(std::move(p));
  }
  const std::vector<size_t> front = pareto_front(points);
  std::string csv = csv_line(table.columns());
  for (size_t f : front) csv += csv_line(table.row(rows[f]));
  std::cout << table.rows() << " rows, " << points.size() << " with every metric, " << front.size()
            << " on the Pareto front (";
  for (size_t k = 0; k < names.size(); ++k) std::cout << (k ? ", " : "") << (sign[k] > 0 ? "min " : "max ") << names[k];
  std::cout << "):\n" << csv;
  if (vm.count("output")) base::write_output_file(vm["output"].as<std::string>(), csv);
  if (vm.count("plot")) {
    plots::ScatterSeries all{"all points (" + std::to_string(points.size()) + ")", {}, {}};
    plots::ScatterSeries best{"Pareto front (" + std::to_string(front.size()) + ")", {}, {}};
    for (const auto& p : points) all.x.push_back(sign[0] * p[0]), all.y.push_back(sign[1] * p[1]);
    for (size_t f : front) best.x.push_back(sign[0] * points[f][0]), best.y.push_back(sign[1] * points[f][1]);
    plots::plot_pareto_front("Pareto front of " + table.file(), names[0], names[1], all, best, vm.count("log") > 0,
                             vm["plot"].as<std::string>());
  }
  return kExitOk;
}

int run_chart_command(const std::vector<std::string>& args) {
  po::options_description named("options of 'cascade chart'");
  named.add_options()("help,h", "print this help")("x", po::value<std::string>(), "the axis along the chart")(
      "y", po::value<std::string>(), "the metric charted")(
      "fix", po::value<std::vector<std::string>>()->composing(), "AXIS=VALUE: hold an axis at a value (repeatable)")(
      "plot", po::value<std::string>(), "write STEM.png and STEM.svg")("log", "log axes");
  const po::variables_map vm = parse(args, named);
  if (vm.count("help")) {
    std::cout << "usage: cascade chart RESULTS.csv --x AXIS --y METRIC --plot STEM [--fix AXIS=VALUE]... [--log]\n\n"
                 "A metric along one axis of a sweep's results, the other axes held: at --fix's values, else\n"
                 "at those of the row with the lowest metric. One line per architecture (docs/sweeps.md).\n\n"
              << named;
    return kExitOk;
  }
  if (!vm.count("results") || !vm.count("x") || !vm.count("y") || !vm.count("plot"))
    throw UsageError{"chart: give the results file, --x, --y and --plot"};
  const SweepTable table = SweepTable::load(vm["results"].as<std::string>());
  const size_t x = table.column(vm["x"].as<std::string>()), y = table.column(vm["y"].as<std::string>());
  const size_t arch = table.column("arch");
  std::vector<size_t> held = axis_columns(table);
  held.push_back(table.column("workload"));
  std::erase(held, x);
  std::map<size_t, std::string> fixed;
  if (vm.count("fix"))
    for (const auto& f : vm["fix"].as<std::vector<std::string>>()) {
      const auto eq = f.find('=');
      if (eq == std::string::npos) throw UsageError{"chart: --fix takes AXIS=VALUE, not '" + base::printable(f) + "'"};
      fixed[table.column(f.substr(0, eq))] = f.substr(eq + 1);
    }
  // The others at the values of the best row (the lowest metric) that matches the fixed ones.
  const auto matches = [&](size_t r, const std::map<size_t, std::string>& at) {
    for (const auto& [c, v] : at)
      if (table.row(r)[c] != v) return false;
    return true;
  };
  std::optional<size_t> best;
  for (size_t r = 0; r < table.rows(); ++r)
    if (matches(r, fixed) && table.number(r, y) && (!best || *table.number(r, y) < *table.number(*best, y))) best = r;
  if (!best) throw base::InputError(table.file(), {}, "no row with a value of '" + table.columns()[y] + "' at the --fix values");
  for (size_t c : held)
    if (!fixed.count(c)) fixed[c] = table.row(*best)[c];
  std::map<std::string, plots::ScatterSeries> series;
  std::map<std::string, std::string> listed;  // each series' points as the file writes them
  for (size_t r = 0; r < table.rows(); ++r) {
    if (!matches(r, fixed)) continue;
    const auto xv = table.number(r, x), yv = table.number(r, y);
    if (!xv || !yv) continue;
    listed[table.row(r)[arch]] += "  " + table.row(r)[arch] + "  " + table.row(r)[x] + "  " + table.row(r)[y] + "\n";
    auto& s = series[table.row(r)[arch]];
    s.title = table.row(r)[arch];
    s.x.push_back(*xv);
    s.y.push_back(*yv);
  }
  std::string held_text;
  for (const auto& [c, v] : fixed)
    if (c != arch) held_text += (held_text.empty() ? "" : ", ") + table.columns()[c] + "=" + v;
  std::cout << table.columns()[y] << " along " << table.columns()[x] << " at " << held_text << ":\n";
  std::vector<plots::ScatterSeries> lines;
  for (auto& [name, s] : series) {
    std::cout << listed[name];
    lines.push_back(std::move(s));
  }
  plots::plot_metric_along_axis(table.columns()[y] + " along " + table.columns()[x] + " (" + held_text + ")",
                                table.columns()[x], table.columns()[y], lines, vm.count("log") > 0,
                                vm["plot"].as<std::string>());
  return kExitOk;
}

}  // namespace cascade::app
