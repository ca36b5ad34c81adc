/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: /sys/kernel/debug/tcpobs/objects (debugfs.c). */
#ifndef _TCPOBS_DEBUGFS_H
#define _TCPOBS_DEBUGFS_H

#include "tcpobs.h"

void tcpobs_debugfs_init(void);
void tcpobs_debugfs_exit(void);

#endif /* _TCPOBS_DEBUGFS_H */
