/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diagnose: why a listener drops connections and what to change. The
 * decision is a pure function of struct diag_input (the unit tests build
 * inputs by hand); cmd_diagnose() gathers the inputs.
 */
#ifndef TCPOBS_DIAG_H
#define TCPOBS_DIAG_H

#include <stdbool.h>
#include <stdint.h>

#include "msg.h"

enum verdict {
	V_NO_DROPS,
	V_ACCEPT_QUEUE_FULL,
	V_SYN_QUEUE_FULL,
	V_SYNCOOKIES,
	V_OTHER_DROPS,
};

/* Above this many drops per second, a SYN flood is the likely cause. */
#define DIAG_FLOOD_RATE 100.0

struct diag_input {
	uint32_t backlog, accept_q, syn_q;
	uint64_t cause[NCAUSES];	/* since tracking began */
	uint64_t delta[NCAUSES];	/* over the interval */
	double interval;		/* seconds */
	double last_ago[NCAUSES];	/* seconds since the latest, -1: unknown */
	/* sysctls, -1 when unknown */
	long somaxconn, tcp_max_syn_backlog, tcp_syncookies, tcp_abort_on_overflow;
};

struct diag_result {
	enum verdict verdict;
	int cause;		/* the cause the verdict is about, -1 for none */
	double rate;		/* of that cause, per second over the interval */
	bool still;		/* it happened during the interval */
	char what[512];
	char also[256];		/* the other causes, "" if none */
	char why[1024];
	char fix[1024];
	char warning[256];	/* "" if none */
};

/* "no_drops", "accept_queue_full", ... (the JSON values). */
const char *verdict_name(enum verdict v);
/* Initialises @in: no counts, unknown times and sysctls, 1 s. */
void diag_input_init(struct diag_input *in);
void diag_decide(const struct diag_input *in, struct diag_result *out);

#endif
