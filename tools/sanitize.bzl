"""Builds a target and everything it depends on with sanitizers, beside the plain build.

Bazel 4.2.3 has no sanitizer or fuzzing rules, and a cc_test's own `copts` reach only its own
sources. A configuration transition adds the flags to every C/C++ compile below the target
(the project's libraries, the generated protobuf code), so one `bazel test //...` runs both
builds: the plain one and, in its own output directory, the sanitized one.

  sanitized_test(name, test, sanitizers): runs the cc_test `test` built with `sanitizers`
  (e.g. "undefined"); any report fails the test (-fno-sanitize-recover).
"""

_COPT = "//command_line_option:copt"
_LINKOPT = "//command_line_option:linkopt"

def _sanitizer_flags(sanitizers, fuzzer):
    copts = [
        "-fsanitize=" + sanitizers,
        "-fno-sanitize-recover=all",
        "-fno-omit-frame-pointer",
        "-g",
    ]
    if fuzzer:
        # Coverage for libFuzzer in every object; the fuzzer's own target links its main.
        copts.append("-fsanitize=fuzzer-no-link")
    linkopts = [
        "-fsanitize=" + sanitizers,
        # The driver is clang-16 (the C driver): link the C++ part of the UBSan runtime too.
        "-fsanitize-link-c++-runtime",
    ]
    return copts, linkopts

def _sanitize_transition_impl(settings, attr):
    copts, linkopts = _sanitizer_flags(attr.sanitizers, attr.fuzzer)
    return {
        _COPT: settings[_COPT] + copts,
        _LINKOPT: settings[_LINKOPT] + linkopts,
    }

sanitize_transition = transition(
    implementation = _sanitize_transition_impl,
    inputs = [_COPT, _LINKOPT],
    outputs = [_COPT, _LINKOPT],
)

def _one(target):
    return target[0] if type(target) == "list" else target

def _sanitized_impl(ctx):
    target = _one(ctx.attr.target)
    src = target[DefaultInfo].files_to_run.executable
    out = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(output = out, target_file = src, is_executable = True)
    runfiles = ctx.runfiles(files = [src]).merge(target[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = out, runfiles = runfiles)]

_ATTRS = {
    "target": attr.label(cfg = sanitize_transition, executable = True, mandatory = True),
    "sanitizers": attr.string(default = "undefined"),
    "fuzzer": attr.bool(default = False),
    "_allowlist_function_transition": attr.label(
        default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
    ),
}

# An executable: `target` (a cc_binary) built with the sanitizers.
sanitized_binary = rule(implementation = _sanitized_impl, attrs = _ATTRS, executable = True)

# A test: `target` (a cc_test) built with the sanitizers, run as is.
_sanitized_test = rule(implementation = _sanitized_impl, attrs = _ATTRS, test = True)

def sanitized_test(name, test, sanitizers = "undefined", **kwargs):
    """`test` (a cc_test label) built with `sanitizers` and run as the test `name`."""
    _sanitized_test(name = name, target = test, sanitizers = sanitizers, **kwargs)
