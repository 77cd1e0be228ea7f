// The simulator's half of `struct scxtwin_host_api`: one trampoline per row of
// scxtwin/kfunc_list.inc, from the policy's C call to the ExtClass method the row names,
// counting (and, with a log, recording) each call as the row says.
#include <cerrno>

#include "absl/strings/str_format.h"
#include "sim/ext/ext_class.h"

namespace scxtwin::sim {

// The log line's fields, formatted only when there is a log.
#define SCXTWIN_LOG_KFUNC(kfunc, fmt, ...)                                               \
  ++c->counters_.kfuncs;                                                                 \
  if (c->opt_.log) {                                                                     \
    c->Log("\"kfunc\":\"" #kfunc "\"", absl::StrFormat(fmt __VA_OPT__(, ) __VA_ARGS__)); \
  }

#define SCXTWIN_TRAMPOLINE_AFTER(type, entry, params, args, kfunc, method, fmt, ...) \
  a->entry = [] SCXTWIN_WITH_CONTEXT(void* sim, params) -> type {                    \
    ExtClass* c = static_cast<ExtClass*>(sim);                                       \
    type ret = c->method args;                                                       \
    SCXTWIN_LOG_KFUNC(kfunc, fmt __VA_OPT__(, ) __VA_ARGS__)                         \
    return ret;                                                                      \
  };
#define SCXTWIN_TRAMPOLINE_BEFORE(type, entry, params, args, kfunc, method, fmt, ...) \
  a->entry = [] SCXTWIN_WITH_CONTEXT(void* sim, params) -> type {                     \
    ExtClass* c = static_cast<ExtClass*>(sim);                                        \
    SCXTWIN_LOG_KFUNC(kfunc, fmt __VA_OPT__(, ) __VA_ARGS__)                          \
    return c->method args;                                                            \
  };
#define SCXTWIN_TRAMPOLINE_SILENT(type, entry, params, args, kfunc, method, fmt, ...) \
  a->entry = [] SCXTWIN_WITH_CONTEXT(void* sim, params) -> type {                     \
    return static_cast<ExtClass*>(sim)->method args;                                  \
  };
#define SCXTWIN_TRAMPOLINE_NONE(type, entry, params, args, kfunc, method, fmt, ...)

#define SCXTWIN_KFUNC(type, entry, params, args, forwarder, dflt, kfunc, method, log, fmt, ...) \
  SCXTWIN_TRAMPOLINE_##log(type, entry, params, args, kfunc, method, fmt __VA_OPT__(, ) __VA_ARGS__)
#define SCXTWIN_KFUNC_VOID(entry, params, args, forwarder, kfunc, method, log, fmt, ...) \
  SCXTWIN_TRAMPOLINE_##log(void, entry, params, args, kfunc, method, fmt __VA_OPT__(, ) __VA_ARGS__)

void ExtClass::FillApi(scxtwin_host_api* a) {
  *a = scxtwin_host_api{};
  a->version = SCXTWIN_HOST_API_VERSION;
  a->size = sizeof(scxtwin_host_api);
  a->sim = this;
#include "scxtwin/kfunc_list.inc"
}

#undef SCXTWIN_KFUNC
#undef SCXTWIN_KFUNC_VOID
#undef SCXTWIN_TRAMPOLINE_AFTER
#undef SCXTWIN_TRAMPOLINE_BEFORE
#undef SCXTWIN_TRAMPOLINE_SILENT
#undef SCXTWIN_TRAMPOLINE_NONE
#undef SCXTWIN_LOG_KFUNC

}  // namespace scxtwin::sim
