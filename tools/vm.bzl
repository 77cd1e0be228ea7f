"""vm_test: a `bazel test` target that runs a command inside the sched_ext kernel under QEMU."""

def _shell_quote(word):
    # Bazel splits `args` like a Bourne shell: quote each word so it arrives whole.
    return "'" + word.replace("'", "'\\''") + "'"

def vm_test(name, cmd, data = [], add = [], cpus = 2, mem = "1G", timeout_s = 240, mttcg = False, append = "", size = "medium", tags = [], **kwargs):
    """Runs `cmd` as root in a guest booted from the cached sched_ext kernel; passes iff it exits 0.

    Args:
      name: the test's name.
      cmd: the command and its arguments, run in the guest (a list of strings; `$(location X)`
        of a file in `add` refers to where it lands in the guest's /bin).
      data: files the test needs on the host side (added automatically for `add`).
      add: labels of executables (static, or dynamic: their libraries come along) copied into
        the guest's /bin.
      cpus: guest CPU count.
      mem: guest memory, in QEMU's syntax.
      timeout_s: seconds before the guest is killed (the test then fails with exit 124).
      mttcg: multi-threaded TCG (one host thread per guest CPU: real parallelism in the guest).
      append: extra kernel command line words (e.g. "maxcpus=1").
      size: Bazel test size.
      tags: extra tags; "vm" is always added so `--test_tag_filters=-vm` skips these tests.
      **kwargs: passed to sh_test.
    """
    args = ["--cpus", str(cpus), "--mem", mem, "--timeout", str(timeout_s)]
    if mttcg:
        args.append("--mttcg")
    if append:
        args += ["--append", _shell_quote(append)]
    for label in add:
        args += ["--add", "$(rootpath %s)" % label]
    native.sh_test(
        name = name,
        srcs = ["//tools:vm.sh"],
        args = args + ["--"] + [_shell_quote(word) for word in cmd],
        data = data + add,
        size = size,
        tags = tags + ["vm"],
        **kwargs
    )
