// Short names for the litmus files only.
#pragma once

#include "rc11/litmus.h"

namespace interleave::rc11::litmus_orders {
constexpr Order rlx = Order::relaxed;
constexpr Order acq = Order::acquire;
constexpr Order rel = Order::release;
constexpr Order acq_rel = Order::acq_rel;
constexpr Order sc = Order::seq_cst;
using B = ProgramBuilder;
}  // namespace interleave::rc11::litmus_orders
