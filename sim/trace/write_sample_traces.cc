// Writes the sample run as a Perfetto trace and as ftrace text: the input of the protoc
// decoding test.  write_sample_traces PERFETTO_FILE FTRACE_FILE
#include <iostream>

#include "sim/trace/ftrace_text_writer.h"
#include "sim/trace/perfetto_writer.h"
#include "sim/trace/sample_run.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: write_sample_traces PERFETTO_FILE FTRACE_FILE\n";
    return 2;
  }
  namespace tr = scxtwin::sim::trace;
  auto perfetto = tr::PerfettoWriter::Open(argv[1]);
  auto ftrace = tr::FtraceTextWriter::Open(argv[2], {});
  for (const absl::Status& s : {perfetto.status(), ftrace.status()}) {
    if (!s.ok()) {
      std::cerr << "write_sample_traces: " << s.message() << "\n";
      return 1;
    }
  }
  for (tr::SchedTraceWriter* w : {static_cast<tr::SchedTraceWriter*>(perfetto->get()),
                                  static_cast<tr::SchedTraceWriter*>(ftrace->get())}) {
    if (absl::Status s = tr::WriteSampleRun(w); !s.ok()) {
      std::cerr << "write_sample_traces: " << s.message() << "\n";
      return 1;
    }
  }
  return 0;
}
