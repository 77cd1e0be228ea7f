"""Repository rule exposing the sched_ext kernel that tools/setup caches outside the tree."""

_DEFAULT_CACHE = "/var/cache/scxtwin"

_MISSING_BUILD = """
package(default_visibility = ["//visibility:public"])

# No cached kernel: every target here fails with one line saying what to run.
genrule(
    name = "vmlinux_h",
    outs = ["vmlinux.h"],
    cmd = "echo 'no sched_ext kernel in {cache}: run sudo tools/setup' >&2; exit 1",
)

cc_library(
    name = "vmlinux",
    hdrs = [":vmlinux_h"],
)
"""

_PRESENT_BUILD = """
package(default_visibility = ["//visibility:public"])

exports_files(["vmlinuz", "vmlinux.h", "version"])

filegroup(
    name = "vmlinux_h",
    srcs = ["vmlinux.h"],
)

cc_library(
    name = "vmlinux",
    hdrs = ["vmlinux.h"],
    includes = ["."],
)
"""

def _sched_ext_kernel_impl(ctx):
    cache = ctx.os.environ.get("SCXTWIN_CACHE", _DEFAULT_CACHE)
    kernel = ctx.path(cache + "/kernel")
    if not kernel.get_child("vmlinux.h").exists:
        ctx.file("BUILD.bazel", _MISSING_BUILD.format(cache = cache))
        return
    for name in ["vmlinuz", "vmlinux.h", "version"]:
        ctx.symlink(kernel.get_child(name), name)
    ctx.file("BUILD.bazel", _PRESENT_BUILD)

sched_ext_kernel = repository_rule(
    implementation = _sched_ext_kernel_impl,
    environ = ["SCXTWIN_CACHE"],
    local = True,
    doc = "Links $SCXTWIN_CACHE/kernel (default /var/cache/scxtwin/kernel) into the build.",
)
