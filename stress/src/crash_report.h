// A crash in the middle of a stress run should still say where it happened: which workload,
// which thread, which step, which seed. The handler prints one line with write(2), then lets
// the signal kill the process as before (the exit status still shows the signal).
//
// Not installed in sanitizer builds: their own reports are better.
#pragma once
#include "violation.h"

namespace stress {

struct Worker;

void install_crash_reporter();
// The workload run now in progress (nullptr between runs).
void crash_report_run(const ReportContext* ctx);
// The worker the calling thread runs (its tid and step go into the report).
void crash_report_thread(const Worker* w);

}  // namespace stress
