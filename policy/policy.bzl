"""scx_policy: build one policy (NAME.bpf.c + NAME.h) for the kernel and the simulator.

A policy package calls `scx_policy(name = "NAME")` once per policy and `scx_policy_registry`
once, last, to collect them all: for the loader (//kernel:load links `//policy:policies`) and
for the simulator and its benchmark (their runfiles hold `//policy:policies_host`, every
policy's host object, where --policy=NAME finds it).
"""

load("//kernel:bpf.bzl", "bpf_object", "bpf_skeleton")
load("//sim/host:host_policy.bzl", "host_policy")

_KERNEL_TAG = "scx_policy_kernel"

# Who may use a policy's generated targets when scx_policy is given no visibility: the loader,
# the simulator and its tools, and the tests that run a policy in either twin.
_POLICY_CONSUMERS = [
    "//kernel:__pkg__",
    "//sim:__subpackages__",
    "//tests:__subpackages__",
    "//tools:__subpackages__",
]

def scx_policy(name, hdrs = [], visibility = None, testonly = False):
    """Builds policy NAME from `NAME.bpf.c` and `NAME.h`.

    Targets:
      NAME_bpf: the BPF object `NAME_bpf.bpf.o`.
      NAME_skel: its libbpf skeleton (`struct NAME`), with the cc_library NAME_skel_lib.
      NAME_host: the host shared object `NAME_host.so` the simulator loads (sim/host).
      NAME_kernel: a cc_library with the policy's entry for the loader's registry
        (`scxtwin::KernelPolicy`: name, knob and counter tables from NAME_KNOBS / NAME_STATS,
        and accessors into the skeleton).
      NAME_record_bpf, NAME_record_skel, NAME_record_kernel: the record build (the same file
        with -D__SCXTWIN_RECORD__), which `load --record=FILE` runs for the twin replay.

    Args:
      name: the policy's name: its file stem, its ops table `NAME_ops`, its --policy name.
      hdrs: further headers the .bpf.c includes.
      visibility: of the generated targets (default: the loader, the simulator, tools, tests).
      testonly: for test-only policies.
    """
    pkg = native.package_name()
    if visibility == None:
        visibility = _POLICY_CONSUMERS
    bpf_object(
        name = name + "_bpf",
        src = name + ".bpf.c",
        hdrs = hdrs + [name + ".h", "//policy/include:scheduler_header_files"],
        includes = ["policy/include", pkg],
        visibility = visibility,
        testonly = testonly,
    )
    bpf_skeleton(
        name = name + "_skel",
        obj = ":" + name + "_bpf",
        skel_name = name,
        visibility = visibility,
        testonly = testonly,
    )

    # The record build: the same file with -D__SCXTWIN_RECORD__ (policy/include/scxtwin/
    # record.bpf.h), which `load --record=FILE` runs for the replay (tools/twin).
    bpf_object(
        name = name + "_record_bpf",
        src = name + ".bpf.c",
        hdrs = hdrs + [name + ".h", "//policy/include:scheduler_header_files"],
        includes = ["policy/include", pkg],
        copts = ["-D__SCXTWIN_RECORD__"],
        visibility = visibility,
        testonly = testonly,
    )
    bpf_skeleton(
        name = name + "_record_skel",
        obj = ":" + name + "_record_bpf",
        skel_name = name + "_record",
        visibility = visibility,
        testonly = testonly,
    )
    for variant, skel_name, record in [("", name, "0"), ("_record", name + "_record", "1")]:
        native.genrule(
            name = name + variant + "_registration_cc",
            srcs = ["//kernel:policy_registration.cc.in"],
            outs = [name + variant + "_registration.cc"],
            cmd = ("sed -e 's|@NAME@|%s|g' -e 's|@SKEL_NAME@|%s|g' -e 's|@RECORD@|%s|g' -e 's|@UPPER@|%s|g' -e 's|@HDR@|%s|g' -e 's|@SKEL@|%s|g' $< > $@" %
                   (name, skel_name, record, name.upper(), pkg + "/" + name + ".h",
                    pkg + "/" + name + variant + "_skel.skel.h")),
            testonly = testonly,
        )
        native.cc_library(
            name = name + variant + "_kernel",
            srcs = [name + variant + "_registration.cc"],
            hdrs = [name + ".h"],
            deps = [
                ":" + name + variant + "_skel_lib",
                "//kernel:policy_registry",
                "//policy/include:scheduler_header",
            ],
            tags = [_KERNEL_TAG],
            visibility = visibility,
            testonly = testonly,
        )

    # The simulator's build of the same file: NAME.bpf.c compiled as host C with
    # -D__SCXTWIN_HOST__ and sim/host/include first on the include path, into NAME_host.so.
    host_policy(
        name = name + "_host",
        src = name + ".bpf.c",
        hdrs = hdrs + [name + ".h", "//policy/include:scheduler_header_files"],
        includes = ["policy/include", pkg],
        visibility = visibility,
        testonly = testonly,
    )

def scx_policy_registry(name, policies = None, visibility = None, testonly = False):
    """The policies of a package, collected for both twins.

    Targets:
      NAME: the loader's registry, a cc_library defining scxtwin::AllPolicies().
      NAME_host: a filegroup of every policy's host object (NAME_host.so), for the simulator's
        runfiles.

    Args:
      name: the library's name.
      policies: labels of `NAME_kernel` targets; by default every scx_policy of this package
        declared above the call (so adding a policy is one scx_policy line).
      visibility: of the library.
      testonly: for registries of test-only policies.
    """
    if policies == None:
        policies = [":" + r["name"] for r in native.existing_rules().values() if _KERNEL_TAG in r.get("tags", [])]
        policies = sorted(policies)
    stems = [p.split(":")[-1][:-len("_kernel")] for p in policies]
    native.filegroup(
        name = name + "_host",
        # The record builds (NAME_record_kernel) share their policy's host object.
        srcs = [p[:-len("_kernel")] + "_host" for p in policies if not p.endswith("_record_kernel")],
        visibility = visibility,
        testonly = testonly,
    )
    body = ["// Generated by scx_policy_registry: the policies //kernel:load knows, by name.",
            "#include \"kernel/policy_registry.h\"",
            "namespace scxtwin {"]
    body += ["const KernelPolicy& RegisteredPolicy_%s();" % s for s in stems]
    body += ["std::vector<const KernelPolicy*> AllPolicies() {", "  return {"]
    body += ["      &RegisteredPolicy_%s()," % s for s in stems]
    body += ["  };", "}", "}  // namespace scxtwin"]
    native.genrule(
        name = name + "_cc",
        outs = [name + ".cc"],
        cmd = "cat > $@ <<'SCXTWIN_EOF'\n" + "\n".join(body) + "\nSCXTWIN_EOF",
        testonly = testonly,
    )
    native.cc_library(
        name = name,
        srcs = [name + ".cc"],
        deps = policies + ["//kernel:policy_registry"],
        # main() (//kernel:load_main) calls AllPolicies(); keep it whatever the link order.
        alwayslink = True,
        visibility = visibility,
        testonly = testonly,
    )
