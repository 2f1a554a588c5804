// moco-train --nproc N: this program started N times as the ranks of one machine's data-parallel
// run (torchrun's variables RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR,
// MASTER_PORT set for each), and watched: when one rank fails the others are stopped and the
// failing rank is named; SIGINT/SIGTERM are passed on to every rank.
#pragma once

#include <string>
#include <vector>

namespace moco {

// `args`: the command line to give each rank (without --nproc). Returns the exit code: 0 when
// every rank finished, else the first failing rank's code (128 + signal when one was killed).
int launch_workers(int nproc, const std::vector<std::string>& args);

// The command line without "--nproc N" / "--nproc=N".
std::vector<std::string> without_nproc(int argc, char** argv);

}  // namespace moco
