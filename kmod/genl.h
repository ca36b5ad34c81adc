/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: the generic netlink family "tcpobs" (genl.c). */
#ifndef _TCPOBS_GENL_H
#define _TCPOBS_GENL_H

#include "tcpobs.h"

int tcpobs_genl_init(void);
void tcpobs_genl_exit(void);

#endif /* _TCPOBS_GENL_H */
