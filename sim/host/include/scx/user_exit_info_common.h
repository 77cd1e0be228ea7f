/* SPDX-License-Identifier: GPL-2.0 */
/* Host-mode <scx/user_exit_info_common.h>: the exit record a scheduler keeps for user space. */
#ifndef __SCXTWIN_HOST_USER_EXIT_INFO_COMMON_H
#define __SCXTWIN_HOST_USER_EXIT_INFO_COMMON_H

enum uei_sizes {
	UEI_REASON_LEN = 128,
	UEI_MSG_LEN = 1024,
	UEI_DUMP_DFL_LEN = 32768,
};

struct user_exit_info {
	int kind;
	s32 exit_cpu;
	s64 exit_code;
	char reason[UEI_REASON_LEN];
	char msg[UEI_MSG_LEN];
};

#endif /* __SCXTWIN_HOST_USER_EXIT_INFO_COMMON_H */
