// SPDX-License-Identifier: GPL-2.0
/*
 * Which features are exact on the running kernel.
 *
 * tcpobs attaches to functions, not to an ABI: a kernel may rename one,
 * inline it, build it out (CONFIG_SYN_COOKIES=n, IPv6 as a module not
 * loaded) or let the compiler clone it, so that some or all of its
 * callers call a copy (.isra.N, .constprop.N, .part.N) the probe on the
 * original never sees. Each target is checked at load, before its probe
 * is registered: a feature whose probe cannot attach, or whose target has
 * such a copy, is "degraded" with the reason, which the kernel log gives
 * in one line and /proc/net/tcpobs/features (and netlink) shows. The rest
 * works. Only the core (the state tracepoints, the per-namespace state)
 * failing fails the load.
 *
 * The table is written during module init only, before any reader can
 * exist, and read-only afterwards.
 */
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "features.h"

#define TCPOBS_REASON_LEN 112

struct tcpobs_feature_state {
	const char *name;
	char reason[TCPOBS_REASON_LEN];	/* "" while exact */
	const char *note;		/* exact, but why there is nothing to see */
};

static struct tcpobs_feature_state tcpobs_feats[TCPOBS_FEAT_MAX] = {
	[TCPOBS_FEAT_STATES] = { .name = "states" },
	[TCPOBS_FEAT_LISTEN_DROPS] = { .name = "listen_drops" },
	[TCPOBS_FEAT_SYN_COOKIES] = { .name = "syn_cookies" },
	[TCPOBS_FEAT_MPTCP] = { .name = "mptcp" },
	[TCPOBS_FEAT_SOCKETS] = { .name = "sockets" },
	[TCPOBS_FEAT_TIMEWAIT] = { .name = "timewait" },
	[TCPOBS_FEAT_ECN] = { .name = "ecn" },
};

/* The first reason is kept; every one goes to the kernel log. */
void tcpobs_feature_degrade(enum tcpobs_feature f, const char *fmt, ...)
{
	struct tcpobs_feature_state *s = &tcpobs_feats[f];
	char buf[TCPOBS_REASON_LEN];
	va_list args;

	va_start(args, fmt);
	vscnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	pr_warn("tcpobs: %s degraded: %s\n", s->name, buf);
	if (!s->reason[0])
		strscpy(s->reason, buf, sizeof(s->reason));
}

void tcpobs_feature_note(enum tcpobs_feature f, const char *note)
{
	tcpobs_feats[f].note = note;
}

bool tcpobs_feature_exact(enum tcpobs_feature f)
{
	return !tcpobs_feats[f].reason[0];
}

const char *tcpobs_feature_name(enum tcpobs_feature f)
{
	return tcpobs_feats[f].name;
}

/* Why it is degraded; or, while exact, a note (may be ""). */
const char *tcpobs_feature_reason(enum tcpobs_feature f)
{
	const struct tcpobs_feature_state *s = &tcpobs_feats[f];

	return s->reason[0] || !s->note ? s->reason : s->note;
}

/* The copies gcc makes of a function that its callers may call instead. */
static const char * const tcpobs_clone_suffixes[] = {
	".isra.0", ".constprop.0", ".part.0",
};

/*
 * Whether @sym has a compiler-made copy: a kprobe on the copy's name
 * registers only if the copy is in kallsyms (and is removed at once).
 */
static bool tcpobs_has_clone(const char *sym, char *clone, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcpobs_clone_suffixes); i++) {
		struct kprobe kp = {};

		snprintf(clone, len, "%s%s", sym, tcpobs_clone_suffixes[i]);
		kp.symbol_name = clone;
		if (!register_kprobe(&kp)) {
			unregister_kprobe(&kp);
			return true;
		}
	}
	return false;
}

/* Checks a target before it is probed: 0, or why it cannot be trusted. */
static int tcpobs_target_check(const char *sym, enum tcpobs_feature feat)
{
	char clone[KSYM_NAME_LEN];

	if (tcpobs_has_clone(sym, clone, sizeof(clone))) {
		tcpobs_feature_degrade(feat,
				       "%s has a compiler copy (%s) whose callers are not seen",
				       sym, clone);
		return -EOPNOTSUPP;
	}
	return 0;
}

static void tcpobs_attach_failed(const char *sym, enum tcpobs_feature feat,
				 bool optional, int err)
{
	static const char * const why[] = {
		"not found (renamed or inlined)",
		"not found (its module is not loaded)",
	};

	if (err == -ENOENT || err == -EINVAL)
		tcpobs_feature_degrade(feat, "%s: %s", sym, why[optional]);
	else
		tcpobs_feature_degrade(feat, "cannot probe %s: error %d", sym, err);
}

/*
 * Registers each kretprobe whose target checks out; @ptrs gets those
 * registered (*@nreg of them), for tcpobs_krps_unregister(). A target
 * that fails degrades its feature and is left out. Never fails.
 */
int tcpobs_krps_register(struct tcpobs_krp *krps, unsigned int n,
			 struct kretprobe **ptrs, unsigned int *nreg)
{
	unsigned int i;
	int err;

	*nreg = 0;
	for (i = 0; i < n; i++) {
		struct tcpobs_krp *k = &krps[i];
		const char *sym = k->krp.kp.symbol_name;

		if (k->built_out) {
			tcpobs_feature_note(k->feat, "not built into this kernel: nothing to miss");
			continue;
		}
		/* One in flight per CPU at a time; leave ample room. */
		k->krp.maxactive = max_t(int, 16, 4 * num_possible_cpus());
		err = register_kretprobe(&k->krp);
		if (err) {
			tcpobs_attach_failed(sym, k->feat, k->optional, err);
			continue;
		}
		ptrs[(*nreg)++] = &k->krp;
		tcpobs_target_check(sym, k->feat);
	}
	return 0;
}

/* One grace period for all of them. */
void tcpobs_krps_unregister(struct kretprobe **ptrs, unsigned int nreg)
{
	if (nreg)
		unregister_kretprobes(ptrs, nreg);
}

/* A kprobe for @feat: 0, or the error with the feature degraded. */
int tcpobs_kprobe_register(struct kprobe *kp, enum tcpobs_feature feat)
{
	int err;

	err = register_kprobe(kp);
	if (err) {
		tcpobs_attach_failed(kp->symbol_name, feat, false, err);
		return err;
	}
	tcpobs_target_check(kp->symbol_name, feat);
	return 0;
}

/* /proc/net/tcpobs/features: one row per feature. */
int tcpobs_features_show(struct seq_file *seq, void *v)
{
	unsigned int i;

	seq_puts(seq, "feature status reason\n");
	for (i = 0; i < TCPOBS_FEAT_MAX; i++) {
		const struct tcpobs_feature_state *s = &tcpobs_feats[i];

		if (s->reason[0])
			seq_printf(seq, "%s degraded %s\n", s->name, s->reason);
		else
			seq_printf(seq, "%s exact %s\n", s->name, s->note ?: "-");
	}
	return 0;
}
