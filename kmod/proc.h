/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: /proc/net/tcpobs/ of every namespace (proc.c). */
#ifndef _TCPOBS_PROC_H
#define _TCPOBS_PROC_H

#include "tcpobs.h"

int tcpobs_proc_init(void);
void tcpobs_proc_exit(void);

#endif /* _TCPOBS_PROC_H */
