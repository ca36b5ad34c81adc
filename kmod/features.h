/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpobs: what each feature can be trusted for on the running kernel
 * (features.c). Each probe target is checked at load; a part that cannot
 * attach degrades its feature, with the reason, instead of failing the
 * load.
 */
#ifndef _TCPOBS_FEATURES_H
#define _TCPOBS_FEATURES_H

#include <linux/kprobes.h>
#include <linux/seq_file.h>

enum tcpobs_feature {
	TCPOBS_FEAT_STATES,		/* state transitions */
	TCPOBS_FEAT_LISTEN_DROPS,	/* SYN/accept queue drops per listener */
	TCPOBS_FEAT_SYN_COOKIES,	/* cookies sent and accepted, per listener */
	TCPOBS_FEAT_MPTCP,		/* MPTCP listeners' drops */
	TCPOBS_FEAT_SOCKETS,		/* the lifecycle table */
	TCPOBS_FEAT_TIMEWAIT,		/* TIME-WAIT inventory */
	TCPOBS_FEAT_ECN,		/* ECN codepoints and flags */
	TCPOBS_FEAT_MAX
};

void tcpobs_feature_degrade(enum tcpobs_feature f, const char *fmt, ...)
	__printf(2, 3);
void tcpobs_feature_note(enum tcpobs_feature f, const char *note);
bool tcpobs_feature_exact(enum tcpobs_feature f);
const char *tcpobs_feature_name(enum tcpobs_feature f);
const char *tcpobs_feature_reason(enum tcpobs_feature f);
int tcpobs_features_show(struct seq_file *seq, void *v);

/*
 * A kretprobe for feature @feat: registered when its target can be
 * trusted, else left out and the feature degraded.
 */
struct tcpobs_krp {
	struct kretprobe krp;
	enum tcpobs_feature feat;
	/*
	 * The kernel was built without what the target serves (its config
	 * option is off): there is nothing to miss, so the feature stays
	 * exact, with a note, and nothing is registered.
	 */
	bool built_out;
	/* The target may be in a module that is not loaded (IPv6 as a module). */
	bool optional;
};

int tcpobs_krps_register(struct tcpobs_krp *krps, unsigned int n,
			 struct kretprobe **ptrs, unsigned int *nreg);
void tcpobs_krps_unregister(struct kretprobe **ptrs, unsigned int nreg);
int tcpobs_kprobe_register(struct kprobe *kp, enum tcpobs_feature feat);

#endif /* _TCPOBS_FEATURES_H */
