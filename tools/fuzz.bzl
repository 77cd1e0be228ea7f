"""libFuzzer targets: a fuzzer binary built with clang-16's -fsanitize=fuzzer,address,undefined
(the code under test instrumented too, see sanitize.bzl), and a test running it for a bounded
time from its seed corpus.

  fuzz_test(name, srcs, deps, corpus, max_total_time = 60)
    <name>_fuzzer   the fuzzer (`bazel run //PKG:<name>_fuzzer -- CORPUS_DIR -max_total_time=600`)
    <name>          an sh_test: the fuzzer over a copy of `corpus` for `max_total_time` seconds;
                    fails on any crash, leak, sanitizer report or timeout of one input
"""

load("//tools:sanitize.bzl", "sanitized_binary")

def fuzz_test(name, srcs, corpus, deps = [], max_total_time = 60, data = [], **kwargs):
    """A libFuzzer target and the test that runs it for `max_total_time` seconds.

    Args:
      name: the test's name; the fuzzer is `<name>_fuzzer`.
      srcs: the fuzzer's sources (defining LLVMFuzzerTestOneInput).
      corpus: seed inputs (files), copied into a fresh corpus directory per run.
      deps: the code under test.
      max_total_time: seconds the test fuzzes for.
      data: files the fuzzer reads at run time.
      **kwargs: passed to the sh_test (size, timeout, tags).
    """
    native.cc_binary(
        name = name + "_fuzzer_plain",
        srcs = srcs,
        deps = deps,
        data = data,
        linkopts = ["-fsanitize=fuzzer"],
        linkstatic = True,
        tags = ["manual"],  # built only through the sanitized configuration below
        testonly = True,
    )
    sanitized_binary(
        name = name + "_fuzzer",
        target = ":" + name + "_fuzzer_plain",
        sanitizers = "address,undefined",
        fuzzer = True,
        testonly = True,
    )
    native.sh_test(
        name = name,
        srcs = ["//tools:run_fuzzer.sh"],
        args = [
            "$(rootpath :%s_fuzzer)" % name,
            str(max_total_time),
        ] + ["$(rootpaths %s)" % c for c in corpus],
        data = [":" + name + "_fuzzer"] + corpus,
        **kwargs
    )
