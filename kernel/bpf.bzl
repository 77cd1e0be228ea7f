"""Build rules for BPF programs: compile a `.bpf.c` with clang-16 and generate its libbpf skeleton."""

_BPF_COPTS = [
    "-g",
    "-O2",
    "-target bpf",
    "-D__TARGET_ARCH_x86",
    "-mcpu=v3",
    "-Wall",
    "-Wno-missing-declarations",
    "-Wno-unused-function",
    "-Werror",
]

def bpf_object(name, src, hdrs = [], includes = [], vmlinux = "@sched_ext_kernel//:vmlinux_h", copts = [], **kwargs):
    """Compiles one BPF C file into a BPF ELF object, `<name>.bpf.o`.

    Args:
      name: the target's name; the output is `<name>.bpf.o`.
      src: the `.bpf.c` file.
      hdrs: headers it includes (the project's scheduler header, shared `.h` files).
      includes: directories, relative to the workspace root, added with -I.
      vmlinux: the label of the `vmlinux.h` the program compiles against (by default the one
        generated from the cached sched_ext kernel's BTF by tools/setup).
      copts: extra clang flags.
      **kwargs: passed to the underlying genrule (visibility, tags, ...).
    """
    out = name + ".bpf.o"
    flags = " ".join(_BPF_COPTS + copts + ["-I" + d for d in includes])
    native.genrule(
        name = name,
        srcs = [src] + hdrs + [vmlinux],
        outs = [out],
        cmd = ("clang-16 %s -I$$(dirname $(location %s)) -I. -I$(GENDIR) -c $(location %s) -o $@" %
               (flags, vmlinux, src)),
        **kwargs
    )

def bpf_skeleton(name, obj, skel_name = None, **kwargs):
    """Generates the libbpf skeleton header `<name>.skel.h` of a BPF object with bpftool.

    Args:
      name: the target's name; the output is `<name>.skel.h`, also offered as a cc_library
        `<name>_lib` to include from C or C++.
      obj: the label of a `bpf_object` output.
      skel_name: the skeleton's C name (`struct <skel_name>`, `<skel_name>__open()`); defaults
        to `name`.
      **kwargs: passed to the genrule and the cc_library.
    """
    out = name + ".skel.h"
    native.genrule(
        name = name,
        srcs = [obj],
        outs = [out],
        cmd = "bpftool gen skeleton $(location %s) name %s > $@" % (obj, skel_name or name),
        **kwargs
    )
    native.cc_library(
        name = name + "_lib",
        hdrs = [out],
        deps = ["//third_party/sys:libbpf"],
        **kwargs
    )
