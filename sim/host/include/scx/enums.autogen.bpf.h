/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-mode <scx/enums.autogen.bpf.h>. In BPF the SCX_* constants are `const volatile` globals the
 * loader fills from the running kernel's BTF; on the host they are the enum constants of the
 * host vmlinux.h (the 7.3 values), so there is nothing to fill.
 */
#ifndef __SCXTWIN_HOST_SCX_ENUMS_AUTOGEN_BPF_H
#define __SCXTWIN_HOST_SCX_ENUMS_AUTOGEN_BPF_H
#include "vmlinux.h"
#endif
