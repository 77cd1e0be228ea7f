"""host_policy(): a sched_ext scheduler's .bpf.c compiled, unmodified, as a host shared object.

The object is what the simulator loads (sim/host/policy_loader.h): the program's callbacks,
maps and globals, plus the kfunc/helper definitions that forward to the simulator's host API.
"""

def host_policy(name, src, hdrs = [], includes = [], copts = [], kconfig = None,
                kernel_version = None, more_srcs = [], **kwargs):
    """Compiles `src` in host mode into `<name>.so`.

    Args:
      name: the target's name; the output is `<name>.so`.
      src: the `.bpf.c` file (compiled as-is with -D__SCXTWIN_HOST__ and the host-mode headers
        of //sim/host first on the include path; its own directory is on it too).
      hdrs: headers it includes besides the host-mode ones (its own `.h`, the project header).
      includes: directories, relative to the workspace root, added with -I.
      copts: extra clang flags.
      kconfig: a kernel config file the object's `__kconfig` externs are resolved against
        (default: the cached kernel's, $SCXTWIN_CACHE/kernel/config).
      kernel_version: "X.Y.Z" for LINUX_KERNEL_VERSION (default: the cached kernel's).
      more_srcs: further translation units of the same program (`--with`).
      **kwargs: passed to the genrule (visibility, tags, testonly, ...).
    """
    flags = " ".join(["-I" + d for d in includes] + copts)
    options = ""
    extra_srcs = []
    if kconfig:
        options += " --kconfig=$(location %s)" % kconfig
        extra_srcs.append(kconfig)
    if kernel_version:
        options += " --kernel-version=" + kernel_version
    for more in more_srcs:
        options += " --with=$(location %s)" % more
        extra_srcs.append(more)
    native.genrule(
        name = name,
        srcs = [src] + hdrs + extra_srcs + [
            "//sim/host:host_headers",
            "//sim/host:include/vmlinux.h",
            "//sim/host:runtime/host_kfuncs.c",
            "//sim/host:runtime_extras",
        ],
        outs = [name + ".so"],
        tools = ["//sim/host:build_host_policy"],
        cmd = ("$(location //sim/host:build_host_policy)%s $@ $(location %s) " +
               "$$(dirname $(location //sim/host:include/vmlinux.h)) " +
               "$(location //sim/host:runtime/host_kfuncs.c) %s") % (options, src, flags),
        **kwargs
    )
