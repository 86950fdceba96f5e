#include "app/sweep/MpiTeam.h"

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

namespace cascade::app {
namespace {

class MpiTeam : public SweepTeam {
 public:
  int rank() const override { return world_.rank(); }
  int size() const override { return world_.size(); }
  void broadcast(std::vector<uint64_t>& values) override { boost::mpi::broadcast(world_, values, 0); }
  std::vector<std::string> gather(const std::string& part) override {
    std::vector<std::string> parts;
    boost::mpi::gather(world_, part, parts, 0);
    return parts;
  }

 private:
  // Every rank meets the same bad input and ends the same way (exit 2), finalizing MPI together.
  boost::mpi::environment environment_{false};
  boost::mpi::communicator world_;
};

}  // namespace

std::unique_ptr<SweepTeam> make_mpi_team() { return std::make_unique<MpiTeam>(); }

}  // namespace cascade::app
