// The two strategies must find the same execution graphs (by canonical encoding), the same
// counts, and dpor must never build a graph twice.
#pragma once

#include <string>

#include "rc11/explore.h"

namespace interleave::rc11 {

// Empty when brute and dpor agree on `p`; otherwise what differs.
std::string cross_check(const Program& p, const Options& o);

}  // namespace interleave::rc11
