// Fuzzes trace import: the ftrace text reader, the process-tree extraction, the statistics and
// the workload emitter; what trace2workload emits must load as a workload spec (the importer's
// promise). Properties: no crash, no sanitizer report, every emitted spec valid.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "google/protobuf/text_format.h"
#include "sim/workload/spec.h"
#include "tools/trace2workload/ftrace_reader.h"
#include "tools/trace2workload/thread_timeline.h"
#include "tools/trace2workload/trace_stats.h"
#include "tools/trace2workload/workload_emitter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scxtwin::trace2workload;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto events = ParseFtraceText(text, "fuzz");
  if (!events.ok()) return 0;
  // The tree's root: the command of the first exec in the trace (what --root names).
  std::string root = "qemu";
  for (const FtraceEvent& e : *events) {
    if (e.type == EventType::kExec) {
      root = e.comm;
      break;
    }
  }
  auto tree = ExtractTree(*events, root);
  if (!tree.ok()) return 0;
  (void)FormatStats(*tree);
  const scxtwin::workload::Workload w = ToWorkload(*tree, "fuzz", "fuzz.trace");
  std::string spec;
  if (!google::protobuf::TextFormat::PrintToString(w, &spec)) abort();
  auto loaded = scxtwin::sim::ParseWorkload(spec, "emitted.textpb");
  if (!loaded.ok()) {
    fprintf(stderr, "trace2workload emitted a spec that does not load: %s\n%s\n",
            std::string(loaded.status().message()).c_str(), spec.c_str());
    abort();
  }
  return 0;
}
