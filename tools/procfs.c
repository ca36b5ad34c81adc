// SPDX-License-Identifier: GPL-2.0
/* Readers of procfs: sysctls and /proc/net/netstat. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "procfs.h"

const char *const netstat_names[NCAUSES] = {
	[TCPOBS_CAUSE_LISTEN_OVERFLOWS] = "ListenOverflows",
	[TCPOBS_CAUSE_LISTEN_DROPS] = "ListenDrops",
	[TCPOBS_CAUSE_REQQ_FULL_DROPS] = "TCPReqQFullDrop",
	[TCPOBS_CAUSE_REQQ_FULL_COOKIES] = "TCPReqQFullDoCookies",
	[TCPOBS_CAUSE_SYNCOOKIES_SENT] = "SyncookiesSent",
	[TCPOBS_CAUSE_SYNCOOKIES_RECV] = "SyncookiesRecv",
	[TCPOBS_CAUSE_SYNCOOKIES_FAILED] = "SyncookiesFailed",
};

const char *proc_root(void)
{
	const char *r = getenv("TCPOBS_PROC_ROOT");

	return r && *r ? r : "/proc";
}

static FILE *proc_open(const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", proc_root(), rel);
	return fopen(path, "re");
}

int read_sysctl(const char *name, long *v)
{
	char rel[256], line[64], *end;
	FILE *f;
	long x;

	snprintf(rel, sizeof(rel), "sys/%s", name);
	f = proc_open(rel);
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	errno = 0;
	x = strtol(line, &end, 10);
	if (errno || end == line || (*end && *end != '\n'))
		return -EINVAL;
	*v = x;
	return 0;
}

static long sysctl_or(const char *name)
{
	long v;

	return read_sysctl(name, &v) ? -1 : v;
}

void read_sysctls(struct sysctls *s)
{
	s->somaxconn = sysctl_or("net/core/somaxconn");
	s->tcp_max_syn_backlog = sysctl_or("net/ipv4/tcp_max_syn_backlog");
	s->tcp_syncookies = sysctl_or("net/ipv4/tcp_syncookies");
	s->tcp_abort_on_overflow = sysctl_or("net/ipv4/tcp_abort_on_overflow");
}

/* Splits @line (after "prefix:") into at most @max tokens. */
static size_t split(char *line, char **tok, size_t max)
{
	char *save = NULL, *t;
	size_t n = 0;

	for (t = strtok_r(line, " \t\n", &save); t && n < max;
	     t = strtok_r(NULL, " \t\n", &save))
		tok[n++] = t;
	return n;
}

int netstat_parse(FILE *f, const char *prefix, const char *const *names,
		  size_t n, int64_t *v, bool *found)
{
	char *hdr = NULL, *val = NULL, **ht = NULL, **vt = NULL;
	size_t hcap = 0, vcap = 0, plen = strlen(prefix), i, k, nh, nv;
	int err = 0;

	memset(found, 0, n * sizeof(*found));
	while (getline(&hdr, &hcap, f) > 0) {
		if (strncmp(hdr, prefix, plen) || hdr[plen] != ':')
			continue;
		if (getline(&val, &vcap, f) <= 0 ||
		    strncmp(val, prefix, plen) || val[plen] != ':') {
			err = -EINVAL;
			break;
		}
		ht = realloc(ht, (strlen(hdr) / 2 + 2) * sizeof(*ht));
		vt = realloc(vt, (strlen(val) / 2 + 2) * sizeof(*vt));
		if (!ht || !vt) {
			err = -ENOMEM;
			break;
		}
		nh = split(hdr + plen + 1, ht, strlen(hdr) / 2 + 2);
		nv = split(val + plen + 1, vt, strlen(val) / 2 + 2);
		if (nh != nv) {
			err = -EINVAL;
			break;
		}
		for (i = 0; i < nh; i++) {
			for (k = 0; k < n; k++) {
				char *end;

				if (strcmp(ht[i], names[k]))
					continue;
				errno = 0;
				v[k] = strtoll(vt[i], &end, 10);
				if (errno || *end) {
					err = -EINVAL;
					goto out;
				}
				found[k] = true;
			}
		}
	}
out:
	free(hdr);
	free(val);
	free(ht);
	free(vt);
	return err;
}

int read_netstat(int64_t v[NCAUSES], bool found[NCAUSES])
{
	FILE *f = proc_open("net/netstat");
	int err;

	if (!f)
		return -errno;
	err = netstat_parse(f, "TcpExt", netstat_names, NCAUSES, v, found);
	fclose(f);
	return err;
}

int read_netns_id(char *buf, size_t len)
{
	char path[PATH_MAX], link[128], *a, *b;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/self/ns/net", proc_root());
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	/* "net:[4026531840]" */
	a = strchr(link, '[');
	b = a ? strchr(a, ']') : NULL;
	if (!a || !b || b == a + 1)
		return -EINVAL;
	*b = '\0';
	snprintf(buf, len, "%s", a + 1);
	return 0;
}
