#pragma once

#include <memory>

#include "app/sweep/SweepTeam.h"

namespace cascade::app {

// The ranks of the MPI job this process is part of (Boost.MPI over Open MPI): `mpirun -np K
// cascade sweep SPEC --mpi`. Initializes MPI when made and finalizes it when destroyed; one per
// process.
std::unique_ptr<SweepTeam> make_mpi_team();

}  // namespace cascade::app
