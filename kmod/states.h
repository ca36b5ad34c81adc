/* SPDX-License-Identifier: GPL-2.0 */
/* tcpobs: the state tracepoint and what it feeds (states.c). */
#ifndef _TCPOBS_STATES_H
#define _TCPOBS_STATES_H

#include "tcpobs.h"

int tcpobs_states_init(void);
void tcpobs_states_exit(void);
int tcpobs_states_show(struct seq_file *seq, void *v);

#endif /* _TCPOBS_STATES_H */
