// Library-wide entry points: version, the per-thread error message, CPU thread count.
#include <omp.h>

#include <atomic>
#include <string>

#include "gemm.h"
#include "internal.h"

namespace {
thread_local std::string last_error;
std::atomic<int> requested_threads{0};
}  // namespace

namespace tsr {

int fail(int code, const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  last_error = buf;
  return code;
}

void clear_error() { last_error.clear(); }

int num_threads() {
  int n = requested_threads.load(std::memory_order_relaxed);
  return n > 0 ? n : omp_get_max_threads();
}

}  // namespace tsr

extern "C" {

int tsr_version(void) { return 100; }

const char* tsr_last_error(void) { return last_error.c_str(); }

// A process-wide setting, passed to every parallel region with num_threads(): omp_set_num_threads
// would only affect the calling (Java) thread.
void tsr_set_num_threads(int n) { requested_threads.store(n > 0 ? n : 0, std::memory_order_relaxed); }

int tsr_get_num_threads(void) { return tsr::num_threads(); }

int tsr_cpu_avx512(void) { return tsr::cpu_has_avx512() ? 1 : 0; }

}  // extern "C"
