/* The structured exit record a policy fills in ops.exit and user space (the loader, the
 * simulator) reads back after the scheduler stopped.
 *
 * Shared by BPF, host-mode policies and C/C++ user space, so it uses only the __u64/__s64 types
 * (bpftool 7.1 skeletons copy global variable types verbatim). The includer provides them:
 * vmlinux.h in BPF, the host header in host mode, <linux/types.h> in user space. */
#ifndef SCXTWIN_EXIT_INFO_H
#define SCXTWIN_EXIT_INFO_H

#define SCXTWIN_EXIT_REASON_LEN 128
/* The kernel's SCX_EXIT_MSG_LEN; longer messages are cut. */
#define SCXTWIN_EXIT_MSG_LEN 1024

struct scxtwin_exit_info {
	/* enum scx_exit_kind; 0 while the scheduler runs. Written last, so a reader that sees it
	 * non-zero sees the rest filled in. */
	__u64 kind;
	/* The exit code a BPF program passed to scx_bpf_exit(), or 0. */
	__s64 exit_code;
	/* The kernel's short reason ("unregistered from user space", "runnable task stall", ...). */
	char reason[SCXTWIN_EXIT_REASON_LEN];
	/* The detailed message (an error's text, the stalled task, ...). */
	char msg[SCXTWIN_EXIT_MSG_LEN];
};

#endif /* SCXTWIN_EXIT_INFO_H */
