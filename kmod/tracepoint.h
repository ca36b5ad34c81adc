/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: attaching to tracepoints that are not exported (tracepoint.c). */
#ifndef _TCPOBS_TRACEPOINT_H
#define _TCPOBS_TRACEPOINT_H

#include "tcpobs.h"

struct tcpobs_tracepoint {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

int tcpobs_tracepoints_register(struct tcpobs_tracepoint *tps, unsigned int n);
void tcpobs_tracepoints_unregister(struct tcpobs_tracepoint *tps,
				   unsigned int n);

#endif /* _TCPOBS_TRACEPOINT_H */
