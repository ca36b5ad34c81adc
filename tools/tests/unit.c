// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of tcpobs(8): formatting and parsing, the JSON writer, text
 * tables, the output API (print.h), the procfs readers (on fixtures), the
 * diagnose decision, event sequence tracking, netlink reply handling and
 * attribute parsing (on version 2 messages built here as tcpobs.ko builds
 * them), top and export; and the commands end to end against a fake kernel
 * (cmds.c).
 * Prints TAP: "ok N name" / "not ok N name", then "1..N".
 *
 *   tests/bin/unit FIXTURES_DIR
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "client.h"
#include "diag.h"
#include "fmt.h"
#include "json.h"
#include "msg.h"
#include "nl.h"
#include "output.h"
#include "print.h"
#include "procfs.h"
#include "seqtrack.h"
#include "table.h"
#include "top.h"
#include "unit.h"

struct opts opt = { .interval = 1.0 };

/* --- TAP ------------------------------------------------------------------------- */

int tests, failed;

bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failed++;
	printf("%sok %d ", cond ? "" : "not ", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return cond;
}

void is_str(const char *got, const char *want, const char *name)
{
	if (!ok(got && !strcmp(got, want), "%s", name))
		printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)", want);
}

void is_int(long long got, long long want, const char *name)
{
	if (!ok(got == want, "%s", name))
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
}

void has_str(const char *hay, const char *needle, const char *name)
{
	if (!ok(hay && strstr(hay, needle), "%s", name))
		printf("#   in:   '%s'\n#   want: '%s'\n", hay ? hay : "(null)", needle);
}

void lacks_str(const char *hay, const char *needle, const char *name)
{
	if (!ok(hay && !strstr(hay, needle), "%s", name))
		printf("#   in:     '%s'\n#   unwanted: '%s'\n", hay ? hay : "(null)", needle);
}

FILE *mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	return m->f;
}

char *mem_close(struct mem *m)
{
	fclose(m->f);
	return m->buf;
}

/* --- formatting and parsing ------------------------------------------------------ */

static void test_fmt(void)
{
	uint8_t v4[4] = { 127, 0, 0, 1 }, v6[16] = { [15] = 1 }, any6[16] = { 0 };
	char buf[ENDPOINT_LEN];
	uint16_t port;
	double d;

	is_str(state_name(1), "ESTAB", "state_name 1 is ESTAB");
	is_str(state_name(8), "CLOSE-WAIT", "state_name 8 is CLOSE-WAIT");
	is_str(state_name(12), "NEW-SYN-RECV", "state_name 12 is NEW-SYN-RECV");
	is_str(state_name(13), "BOUND-INACTIVE", "state_name 13 is BOUND-INACTIVE");
	is_str(state_name(0), "UNKNOWN", "state_name 0 is UNKNOWN");
	is_str(state_name(200), "UNKNOWN", "state_name out of range is UNKNOWN");
	is_int(state_parse("close-wait"), 8, "state_parse close-wait");
	is_int(state_parse("CLOSE_WAIT"), 8, "state_parse CLOSE_WAIT");
	is_int(state_parse("estab"), 1, "state_parse estab");
	is_int(state_parse("established"), 1, "state_parse established");
	is_int(state_parse("Time-Wait"), 6, "state_parse Time-Wait");
	is_int(state_parse("syn-recv"), 3, "state_parse syn-recv");
	is_int(state_parse("listening"), 10, "state_parse listening (ss name)");
	is_int(state_parse("closed"), 7, "state_parse closed (ss name)");
	is_int(state_parse("fin-wait-2"), 5, "state_parse fin-wait-2");
	is_int(state_parse("bogus"), -1, "state_parse rejects bogus");
	is_int(state_parse(""), -1, "state_parse rejects empty");
	is_int(state_parse("0"), -1, "state_parse rejects 0");
	is_int(state_parse("estab-"), -1, "state_parse rejects a prefix match");

	is_str(cause_name(TCPOBS_CAUSE_LISTEN_OVERFLOWS), "listen_overflows", "cause_name 0");
	is_str(cause_name(TCPOBS_CAUSE_SYNCOOKIES_FAILED), "syncookies_failed", "cause_name 6");
	ok(cause_name(NCAUSES) == NULL, "cause_name out of range is NULL");

	fmt_endpoint(buf, sizeof(buf), AF_INET, v4, 4, 8080);
	is_str(buf, "127.0.0.1:8080", "fmt_endpoint IPv4");
	fmt_endpoint(buf, sizeof(buf), AF_INET6, v6, 16, 8080);
	is_str(buf, "[::1]:8080", "fmt_endpoint IPv6 in brackets");
	fmt_endpoint(buf, sizeof(buf), AF_INET6, any6, 16, 443);
	is_str(buf, "[::]:443", "fmt_endpoint dual-stack any");
	is_int(fmt_endpoint(buf, sizeof(buf), AF_INET6, v4, 4, 1), -1,
	       "fmt_endpoint refuses a 4-byte IPv6 address");
	fmt_addr(buf, sizeof(buf), AF_INET, v4, 16);
	is_str(buf, "?", "fmt_addr prints ? for a bad length");

	fmt_secs3(buf, sizeof(buf), 12412999999ULL);
	is_str(buf, "12.412", "fmt_secs3 truncates to milliseconds");
	fmt_secs3(buf, sizeof(buf), 999999);
	is_str(buf, "0.000", "fmt_secs3 below a millisecond");
	fmt_secs3(buf, sizeof(buf), 60000000000ULL);
	is_str(buf, "60.000", "fmt_secs3 whole seconds");

	fmt_cookie(buf, sizeof(buf), 0x2f);
	is_str(buf, "2f", "fmt_cookie hex, no prefix");
	fmt_cookie(buf, sizeof(buf), UINT64_MAX);
	is_str(buf, "ffffffffffffffff", "fmt_cookie 64 bits");

	ok(!parse_port("8080", &port) && port == 8080, "parse_port 8080");
	ok(!parse_port("65535", &port) && port == 65535, "parse_port 65535");
	ok(parse_port("70000", &port), "parse_port rejects 70000");
	ok(parse_port("abc", &port), "parse_port rejects abc");
	ok(parse_port("0", &port), "parse_port rejects 0");
	ok(parse_port("80x", &port), "parse_port rejects 80x");
	ok(parse_port("-1", &port), "parse_port rejects -1");
	ok(parse_port(" 80", &port), "parse_port rejects leading space");
	ok(parse_port("", &port), "parse_port rejects empty");

	ok(!parse_seconds("0.5", &d) && d == 0.5, "parse_seconds 0.5");
	ok(!parse_seconds("2", &d) && d == 2, "parse_seconds 2");
	ok(parse_seconds("0", &d), "parse_seconds rejects 0");
	ok(parse_seconds("-1", &d), "parse_seconds rejects -1");
	ok(parse_seconds("abc", &d), "parse_seconds rejects abc");
	ok(parse_seconds("nan", &d), "parse_seconds rejects nan");
	ok(parse_seconds("1s", &d), "parse_seconds rejects 1s");

	prom_escape(buf, sizeof(buf), "a\"b\\c\nd");
	is_str(buf, "a\\\"b\\\\c\\nd", "prom_escape quote, backslash, newline");
}

/* --- JSON ------------------------------------------------------------------------- */

static void test_json(void)
{
	struct json j;
	struct mem m;
	char *s;

	mem_open(&m);
	json_escape(m.f, "q\"b\\n\n\x01t\tu\xc3\xa9");
	s = mem_close(&m);
	is_str(s, "\"q\\\"b\\\\n\\n\\u0001t\\tu\xc3\xa9\"",
	       "json_escape quotes, backslashes, controls; UTF-8 kept");
	free(s);

	json_init(&j, mem_open(&m), false);
	json_obj_begin(&j);
	json_key(&j, "a");
	json_u64(&j, 1);
	json_key(&j, "b");
	json_arr_begin(&j);
	json_i64(&j, -2);
	json_raw(&j, "12.412");
	json_arr_end(&j);
	json_key(&j, "c");
	json_obj_begin(&j);
	json_obj_end(&j);
	json_key(&j, "d");
	json_str(&j, "x");
	json_key(&j, "e");
	json_null(&j);
	json_key(&j, "f");
	json_bool(&j, true);
	json_key(&j, "g");
	json_double(&j, 6.0, 1);
	json_obj_end(&j);
	s = mem_close(&m);
	is_str(s, "{\"a\":1,\"b\":[-2,12.412],\"c\":{},\"d\":\"x\",\"e\":null,\"f\":true,\"g\":6.0}\n",
	       "json compact object");
	free(s);

	json_init(&j, mem_open(&m), true);
	json_arr_begin(&j);
	json_obj_begin(&j);
	json_key(&j, "port");
	json_u64(&j, 80);
	json_key(&j, "x");
	json_arr_begin(&j);
	json_arr_end(&j);
	json_obj_end(&j);
	json_arr_end(&j);
	s = mem_close(&m);
	is_str(s, "[\n  {\n    \"port\": 80,\n    \"x\": []\n  }\n]\n", "json pretty");
	free(s);

	json_init(&j, mem_open(&m), false);
	json_arr_begin(&j);
	json_arr_end(&j);
	json_arr_begin(&j);
	json_arr_end(&j);
	s = mem_close(&m);
	is_str(s, "[]\n[]\n", "json top-level values, one per line");
	free(s);
}

/* --- tables ------------------------------------------------------------------------- */

static void test_table(void)
{
	struct table t;
	struct mem m;
	char *s;

	table_init_cols(&t, 3);
	table_cell(&t, "local");
	table_cell(&t, "backlog");
	table_cell(&t, "cookie");
	table_cell(&t, "127.0.0.1:9090");
	table_cell(&t, "%u", 2);
	table_cell(&t, "1001");
	table_cell(&t, "[::]:443");
	table_cell(&t, "%u", 4096);
	table_cell(&t, "2a");
	is_int((long long)table_rows(&t), 2, "table_rows");
	table_print(&t, mem_open(&m), false);
	s = mem_close(&m);
	is_str(s, "local          backlog cookie\n"
		  "127.0.0.1:9090 2       1001\n"
		  "[::]:443       4096    2a\n", "table aligned, header first");
	free(s);
	table_print(&t, mem_open(&m), true);
	s = mem_close(&m);
	is_str(s, "127.0.0.1:9090 2    1001\n[::]:443       4096 2a\n",
	       "table without header");
	free(s);
	table_free(&t);
}

/* --- the output API (print.h) ---------------------------------------------------------- */

struct item {
	const char *name;
	uint64_t n;
	bool up;
	uint64_t ns;
};

/* Title "who" in text, key "name" in JSON; "-" in text for none, null in JSON. */
static void item_row(const void *p, const void *ctx)
{
	const struct item *it = p;

	(void)ctx;
	print_string(PRINT_FP, "who", NULL, it->name);
	print_string(PRINT_JSON, "name", NULL, it->name);
	if (it->n)
		print_u64(PRINT_ANY, "n", NULL, it->n);
	else
		print_null(PRINT_ANY, "n", NULL, "-");
	print_bool(PRINT_ANY, "up", NULL, it->up);
	print_secs(PRINT_ANY, "age", NULL, it->ns);
	print_float(PRINT_JSON, "rate", 1, it->n / 2.0);
}

static const struct item items[] = {
	{ "a-long-name", 7, true, 12412345678ULL },
	{ "b", 0, false, 5000000 },
};

/* A table, a blank line, a table of counters-like rows; or JSON. */
static void print_sample(size_t n)
{
	open_json_object(NULL);
	open_json_array("items");
	print_rows(PRINT_ANY, items, n, sizeof(*items), item_row, NULL);
	close_json_array();
	print_nl();
	open_json_object("totals");
	open_row(PRINT_FP, NULL);
	print_string(PRINT_FP, "name", NULL, "total");
	print_u64(PRINT_FP, "value", NULL, 7);
	print_u64(PRINT_JSON, "total", NULL, 7);
	close_row(PRINT_FP);
	close_json_object();
	print_u64(0, "nowhere", NULL, 1);
	close_json_object();
}

static char *print_to_string(bool json, bool pretty, bool no_header, size_t n)
{
	struct mem m;

	new_json_obj(mem_open(&m), json, pretty, no_header);
	print_sample(n);
	delete_json_obj();
	return mem_close(&m);
}

static void test_print(void)
{
	struct counter cv[2] = { { "tw", 13 }, { "tracked", -1 } };
	struct counters c = { .v = cv, .n = 2 };
	struct mem m;
	char *s;

	s = print_to_string(false, false, false, 2);
	is_str(s, "who         n up    age\n"
		  "a-long-name 7 true  12.412\n"
		  "b           - false 0.005\n"
		  "\n"
		  "name  value\n"
		  "total 7\n",
	       "print text: columns titled by key, aligned; PRINT_FP/PRINT_JSON pairs; tables a blank line apart");
	free(s);
	s = print_to_string(false, false, true, 2);
	is_str(s, "a-long-name 7 true  12.412\nb           - false 0.005\n\ntotal 7\n",
	       "print text --no-header: widths of the rows alone");
	free(s);
	s = print_to_string(false, false, false, 0);
	is_str(s, "who n up age\n\nname  value\ntotal 7\n",
	       "print text: a table without rows still has its header");
	free(s);
	s = print_to_string(false, false, true, 0);
	is_str(s, "\ntotal 7\n", "print text --no-header: a table without rows prints nothing");
	free(s);
	s = print_to_string(true, false, false, 2);
	is_str(s, "{\"items\":[{\"name\":\"a-long-name\",\"n\":7,\"up\":true,\"age\":12.412,\"rate\":3.5},"
		  "{\"name\":\"b\",\"n\":null,\"up\":false,\"age\":0.005,\"rate\":0.0}],"
		  "\"totals\":{\"total\":7}}\n",
	       "print JSON: keys, types, null; text-only rows add members to their object");
	free(s);
	s = print_to_string(true, true, false, 0);
	is_str(s, "{\n  \"items\": [],\n  \"totals\": {\n    \"total\": 7\n  }\n}\n",
	       "print JSON pretty, an empty array");
	free(s);

	new_json_obj(mem_open(&m), false, false, false);
	print_string(PRINT_ANY, "k", "k=%s", "v");
	print_u64(PRINT_JSON, "j", "%llu", 1);
	print_s64(PRINT_FP, NULL, " %+lld", -3);
	print_text(" %d%s", 4, "!");
	print_nl();
	delete_json_obj();
	s = mem_close(&m);
	is_str(s, "k=v -3 4!\n", "print text: free text outside rows, PRINT_JSON left out");
	free(s);

	new_json_obj(mem_open(&m), false, false, false);
	print_counters(PRINT_ANY, "t", &c);
	print_counters(PRINT_JSON, "u", &c);
	delete_json_obj();
	s = mem_close(&m);
	is_str(s, "name    value\ntw      13\ntracked -1\n",
	       "print_counters: name value rows; PRINT_JSON only: no text");
	free(s);
	new_json_obj(mem_open(&m), true, false, false);
	open_json_object(NULL);
	print_counters(PRINT_ANY, "t", &c);
	print_counters(PRINT_JSON, "u", &c);
	print_text("not in JSON");
	print_nl();
	close_json_object();
	delete_json_obj();
	s = mem_close(&m);
	is_str(s, "{\"t\":{\"tw\":13,\"tracked\":-1},\"u\":{\"tw\":13,\"tracked\":-1}}\n",
	       "print_counters -j: objects of counters; no free text in JSON");
	free(s);
}

/* --- procfs readers ------------------------------------------------------------------ */

static void test_procfs(const char *fixtures)
{
	char root[4096], tmp[] = "/tmp/tcpobs-unit-XXXXXX", path[4200], id[64];
	int64_t v[NCAUSES];
	bool found[NCAUSES];
	struct sysctls sc;
	long x;

	snprintf(root, sizeof(root), "%s/proc", fixtures);
	setenv("TCPOBS_PROC_ROOT", root, 1);
	is_str(proc_root(), root, "proc_root from TCPOBS_PROC_ROOT");
	read_sysctls(&sc);
	is_int(sc.somaxconn, 4096, "sysctl net.core.somaxconn from fixture");
	is_int(sc.tcp_max_syn_backlog, 512, "sysctl tcp_max_syn_backlog from fixture");
	is_int(sc.tcp_syncookies, 1, "sysctl tcp_syncookies from fixture");
	is_int(sc.tcp_abort_on_overflow, 0, "sysctl tcp_abort_on_overflow from fixture");
	is_int(read_sysctl("net/ipv4/no_such_sysctl", &x), -ENOENT, "missing sysctl is -ENOENT");

	memset(v, 0, sizeof(v));
	is_int(read_netstat(v, found), 0, "read_netstat fixture");
	ok(v[TCPOBS_CAUSE_LISTEN_OVERFLOWS] == 18 && found[TCPOBS_CAUSE_LISTEN_OVERFLOWS],
	   "netstat ListenOverflows 18");
	is_int(v[TCPOBS_CAUSE_LISTEN_DROPS], 21, "netstat ListenDrops 21");
	is_int(v[TCPOBS_CAUSE_REQQ_FULL_DROPS], 2, "netstat TCPReqQFullDrop 2");
	is_int(v[TCPOBS_CAUSE_REQQ_FULL_COOKIES], 5, "netstat TCPReqQFullDoCookies 5");
	ok(v[TCPOBS_CAUSE_SYNCOOKIES_SENT] == 7 && v[TCPOBS_CAUSE_SYNCOOKIES_RECV] == 4 &&
	   v[TCPOBS_CAUSE_SYNCOOKIES_FAILED] == 1, "netstat Syncookies* 7 4 1");

	snprintf(root, sizeof(root), "%s/proc-bad", fixtures);
	setenv("TCPOBS_PROC_ROOT", root, 1);
	is_int(read_netstat(v, found), -EINVAL, "malformed netstat is -EINVAL");
	is_int(read_sysctl("net/core/somaxconn", &x), -EINVAL, "non-numeric sysctl is -EINVAL");
	read_sysctls(&sc);
	is_int(sc.tcp_syncookies, -1, "unreadable sysctl is -1");

	/* The namespace id, from a symlink like /proc/self/ns/net. */
	if (mkdtemp(tmp)) {
		snprintf(path, sizeof(path), "%s/self", tmp);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/self/ns", tmp);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/self/ns/net", tmp);
		if (symlink("net:[4026531840]", path))
			perror("symlink");
		setenv("TCPOBS_PROC_ROOT", tmp, 1);
		ok(!read_netns_id(id, sizeof(id)) && !strcmp(id, "4026531840"),
		   "read_netns_id net:[4026531840]");
		unlink(path);
		snprintf(path, sizeof(path), "%s/self/ns", tmp);
		rmdir(path);
		snprintf(path, sizeof(path), "%s/self", tmp);
		rmdir(path);
		rmdir(tmp);
	} else {
		ok(false, "mkdtemp");
	}
	unsetenv("TCPOBS_PROC_ROOT");
	is_str(proc_root(), "/proc", "proc_root defaults to /proc");
}

/* --- diagnose -------------------------------------------------------------------------- */

static void test_diag(void)
{
	struct diag_input in;
	struct diag_result r;

	diag_input_init(&in);
	diag_decide(&in, &r);
	is_str(verdict_name(r.verdict), "no_drops", "diag: no counts is no_drops");
	ok(!r.still && r.rate == 0, "diag: no_drops is not happening");

	/* The example of the documentation: an application that never accepts. */
	diag_input_init(&in);
	in.backlog = 2;
	in.accept_q = 3;
	in.cause[TCPOBS_CAUSE_LISTEN_OVERFLOWS] = 18;
	in.cause[TCPOBS_CAUSE_LISTEN_DROPS] = 18;
	in.delta[TCPOBS_CAUSE_LISTEN_OVERFLOWS] = 6;
	in.delta[TCPOBS_CAUSE_LISTEN_DROPS] = 6;
	in.last_ago[TCPOBS_CAUSE_LISTEN_OVERFLOWS] = 0.2;
	in.somaxconn = 4096;
	in.tcp_max_syn_backlog = 512;
	in.tcp_syncookies = 1;
	in.tcp_abort_on_overflow = 0;
	diag_decide(&in, &r);
	is_str(verdict_name(r.verdict), "accept_queue_full", "diag: overflows are accept_queue_full");
	ok(r.rate == 6.0 && r.still, "diag: rate 6.0/s, still happening");
	is_str(r.what, "18 listen_overflows (18 listen_drops) since tracking began, 6 in the last 1.0 s (6.0/s); still happening (last 0.2 s ago)",
	       "diag: what line");
	has_str(r.why, "Effective backlog 2 = min(listen() backlog, net.core.somaxconn=4096)",
		"diag: why names the effective backlog");
	has_str(r.fix, "listen(fd, 4096); net.core.somaxconn (4096) already allows it",
		"diag: fix raises the listen() backlog when somaxconn allows");
	is_str(r.warning, "", "diag: no warning with tcp_abort_on_overflow=0");

	in.backlog = 4096;
	diag_decide(&in, &r);
	has_str(r.fix, "sysctl -w net.core.somaxconn=8192", "diag: backlog at somaxconn: raise somaxconn to 2x");

	in.tcp_abort_on_overflow = 1;
	diag_decide(&in, &r);
	has_str(r.warning, "tcp_abort_on_overflow=1", "diag: warns about tcp_abort_on_overflow=1");

	/* Overflows take precedence; the other causes are listed. */
	in.cause[TCPOBS_CAUSE_REQQ_FULL_DROPS] = 3;
	diag_decide(&in, &r);
	is_str(verdict_name(r.verdict), "accept_queue_full", "diag: overflows take precedence");
	has_str(r.also, "3 reqq_full_drops", "diag: also lists the other causes");

	/* Not happening any more. */
	diag_input_init(&in);
	in.cause[TCPOBS_CAUSE_LISTEN_OVERFLOWS] = 5;
	in.cause[TCPOBS_CAUSE_LISTEN_DROPS] = 5;
	in.last_ago[TCPOBS_CAUSE_LISTEN_OVERFLOWS] = 35.0;
	diag_decide(&in, &r);
	ok(!r.still, "diag: no delta, last 35 s ago: not still happening");
	has_str(r.what, "not happening now (last 35.0 s ago)", "diag: what says not happening now");
	in.last_ago[TCPOBS_CAUSE_LISTEN_OVERFLOWS] = 0.5;
	diag_decide(&in, &r);
	ok(r.still, "diag: last drop within the interval: still happening");

	/* SYN queue full, cookies off. */
	diag_input_init(&in);
	in.backlog = 128;
	in.cause[TCPOBS_CAUSE_REQQ_FULL_DROPS] = 1000;
	in.cause[TCPOBS_CAUSE_LISTEN_DROPS] = 1000;
	in.delta[TCPOBS_CAUSE_REQQ_FULL_DROPS] = 500;
	in.tcp_syncookies = 0;
	in.tcp_max_syn_backlog = 128;
	in.somaxconn = 4096;
	diag_decide(&in, &r);
	is_str(verdict_name(r.verdict), "syn_queue_full", "diag: reqq_full_drops is syn_queue_full");
	has_str(r.fix, "sysctl -w net.ipv4.tcp_syncookies=1", "diag: syn_queue_full fix enables cookies");
	has_str(r.fix, "net.ipv4.tcp_max_syn_backlog (now 128)", "diag: fix shows tcp_max_syn_backlog");
	has_str(r.why, "tcp_syncookies=0", "diag: why says cookies are off");
	has_str(r.why, "SYN flood", "diag: 500/s suggests a SYN flood");
	in.delta[TCPOBS_CAUSE_REQQ_FULL_DROPS] = 2;
	diag_decide(&in, &r);
	lacks_str(r.why, "SYN flood", "diag: 2/s does not suggest a flood");

	/* SYN cookies. */
	diag_input_init(&in);
	in.backlog = 64;
	in.cause[TCPOBS_CAUSE_REQQ_FULL_COOKIES] = 40;
	in.cause[TCPOBS_CAUSE_SYNCOOKIES_SENT] = 40;
	in.cause[TCPOBS_CAUSE_SYNCOOKIES_FAILED] = 3;
	in.tcp_syncookies = 1;
	in.tcp_max_syn_backlog = 256;
	diag_decide(&in, &r);
	is_str(verdict_name(r.verdict), "syncookies", "diag: reqq_full_cookies is syncookies");
	ok(r.cause == TCPOBS_CAUSE_REQQ_FULL_COOKIES, "diag: syncookies is about reqq_full_cookies");
	has_str(r.why, "3 syncookies_failed", "diag: syncookies_failed mentioned");
	has_str(r.fix, "cookies are doing their job", "diag: syncookies fix mentions a flood");
	in.cause[TCPOBS_CAUSE_REQQ_FULL_COOKIES] = 0;
	diag_decide(&in, &r);
	ok(r.verdict == V_SYNCOOKIES && r.cause == TCPOBS_CAUSE_SYNCOOKIES_SENT,
	   "diag: syncookies_sent alone is syncookies");

	/* Other drops. */
	diag_input_init(&in);
	in.cause[TCPOBS_CAUSE_LISTEN_DROPS] = 4;
	diag_decide(&in, &r);
	is_str(verdict_name(r.verdict), "other_drops", "diag: listen_drops alone is other_drops");
	has_str(r.what, "4 listen_drops since tracking began", "diag: other_drops what line");

	/* syncookies_recv alone is no drop. */
	diag_input_init(&in);
	in.cause[TCPOBS_CAUSE_SYNCOOKIES_RECV] = 2;
	diag_decide(&in, &r);
	ok(r.verdict == V_NO_DROPS, "diag: syncookies_recv alone is no_drops");
}

/* --- sequence tracking ------------------------------------------------------------------ */

struct gaps {
	int n;
	uint64_t from[8], to[8];
};

static void record_gap(uint64_t from, uint64_t to, void *arg)
{
	struct gaps *g = arg;

	if (g->n < 8) {
		g->from[g->n] = from;
		g->to[g->n] = to;
	}
	g->n++;
}

static void test_seqtrack(void)
{
	struct seqtrack t;
	struct gaps g = { 0 };

	seq_init(&t);
	seq_feed(&t, 1, 0.0, record_gap, &g);
	seq_feed(&t, 2, 0.0, record_gap, &g);
	seq_feed(&t, 5, 0.1, record_gap, &g);
	is_int(g.n, 0, "seq: a gap is not reported at once");
	ok(seq_deadline(&t) > 1.0 && seq_deadline(&t) < 1.2, "seq: deadline one grace period later");
	seq_feed(&t, 3, 0.2, record_gap, &g);
	seq_flush(&t, 0.5, false, record_gap, &g);
	is_int(g.n, 0, "seq: nothing reported within the grace period");
	seq_flush(&t, 2.0, false, record_gap, &g);
	ok(g.n == 1 && g.from[0] == 4 && g.to[0] == 4,
	   "seq: late 3 fills its place, 4 reported lost after the grace period");

	/* Out of order within the grace period: nothing lost. */
	memset(&g, 0, sizeof(g));
	seq_init(&t);
	seq_feed(&t, 10, 0, record_gap, &g);
	seq_feed(&t, 12, 0, record_gap, &g);
	seq_feed(&t, 11, 0, record_gap, &g);
	seq_flush(&t, 100, false, record_gap, &g);
	is_int(g.n, 0, "seq: reordered events are not a gap");

	/* A late event in the middle of a range splits it. */
	memset(&g, 0, sizeof(g));
	seq_init(&t);
	seq_feed(&t, 1, 0, record_gap, &g);
	seq_feed(&t, 10, 0, record_gap, &g);
	seq_feed(&t, 5, 0, record_gap, &g);
	seq_flush(&t, 0, true, record_gap, &g);
	ok(g.n == 2 && g.from[0] == 2 && g.to[0] == 4 && g.from[1] == 6 && g.to[1] == 9,
	   "seq: split gap reported as 2..4 and 6..9 at exit");

	/* Duplicates are ignored. */
	memset(&g, 0, sizeof(g));
	seq_init(&t);
	seq_feed(&t, 7, 0, record_gap, &g);
	seq_feed(&t, 7, 0, record_gap, &g);
	seq_feed(&t, 8, 0, record_gap, &g);
	seq_flush(&t, 0, true, record_gap, &g);
	is_int(g.n, 0, "seq: a duplicate is no gap");
}

/* --- netlink replies ------------------------------------------------------------------- */

/* Appends a message at *@off of @buf: returns its header. */
struct nlmsghdr *put_msg(char *buf, size_t *off, uint16_t type,
				uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + *off);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 4242;
	return nlh;
}

void end_msg(size_t *off, struct nlmsghdr *nlh)
{
	*off += NLMSG_ALIGN(nlh->nlmsg_len);
}

struct nlmsghdr *put_genl(char *buf, size_t *off, uint8_t cmd,
				 uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = put_msg(buf, off, FAKE_FAMILY, flags, seq);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = cmd;
	g->version = TCPOBS_GENL_VERSION;
	return nlh;
}

static int count_cb(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(*(int *)arg)++;
	return 0;
}

static void test_nl_parse(void)
{
	static char buf[8192];
	struct nl_parse p;
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	size_t off = 0;
	int calls = 0;

	/* A dump: two messages, one flagged interrupted, and DONE. */
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_LISTENER, NLM_F_MULTI, 7);
	end_msg(&off, nlh);
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_LISTENER, NLM_F_MULTI | NLM_F_DUMP_INTR, 7);
	end_msg(&off, nlh);
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_LISTENER, NLM_F_MULTI, 6);	/* stale */
	end_msg(&off, nlh);
	nlh = put_msg(buf, &off, NLMSG_DONE, NLM_F_MULTI, 7);
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
	end_msg(&off, nlh);
	memset(&p, 0, sizeof(p));
	p.seq = 7;
	p.portid = 4242;
	p.cb = count_cb;
	p.arg = &calls;
	is_int(nl_parse_buf(&p, buf, off), 1, "nl: dump complete at NLMSG_DONE");
	is_int(calls, 2, "nl: callback for each message of the request only");
	ok(p.intr && p.err == 0, "nl: NLM_F_DUMP_INTR seen, no error");

	/* A multi-part dump over two buffers. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_SOCKET, NLM_F_MULTI, 8);
	end_msg(&off, nlh);
	memset(&p, 0, sizeof(p));
	p.seq = 8;
	p.cb = count_cb;
	calls = 0;
	p.arg = &calls;
	is_int(nl_parse_buf(&p, buf, off), 0, "nl: a dump part without DONE wants more");
	off = 0;
	nlh = put_msg(buf, &off, NLMSG_DONE, NLM_F_MULTI, 8);
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = 0;
	end_msg(&off, nlh);
	ok(nl_parse_buf(&p, buf, off) == 1 && calls == 1 && !p.err, "nl: ... and ends at the next DONE");

	/* An error with an extended ACK message (capped). */
	off = 0;
	nlh = put_msg(buf, &off, NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, 9);
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -EINVAL;
	e->msg.nlmsg_len = NLMSG_HDRLEN + 20;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "listeners have no state filter");
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	end_msg(&off, nlh);
	memset(&p, 0, sizeof(p));
	p.seq = 9;
	is_int(nl_parse_buf(&p, buf, off), 1, "nl: error ends the reply");
	is_int(p.err, -EINVAL, "nl: error code");
	is_str(p.extack, "listeners have no state filter", "nl: extack message (capped)");

	/* The same, not capped: the request is echoed before the TLVs. */
	off = 0;
	nlh = put_msg(buf, &off, NLMSG_ERROR, NLM_F_ACK_TLVS, 10);
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e) + 12);
	e->error = -ERANGE;
	e->msg.nlmsg_len = NLMSG_HDRLEN + 12;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "integer out of range");
	end_msg(&off, nlh);
	memset(&p, 0, sizeof(p));
	p.seq = 10;
	nl_parse_buf(&p, buf, off);
	ok(p.err == -ERANGE && !strcmp(p.extack, "integer out of range"),
	   "nl: extack message after an echoed request");

	/* An ACK. */
	off = 0;
	nlh = put_msg(buf, &off, NLMSG_ERROR, NLM_F_CAPPED, 11);
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = 0;
	end_msg(&off, nlh);
	memset(&p, 0, sizeof(p));
	p.seq = 11;
	ok(nl_parse_buf(&p, buf, off) == 1 && p.err == 0 && !p.extack[0], "nl: ACK is success");

	/* A dump failing in the middle: the error in DONE, with extack. */
	off = 0;
	nlh = put_msg(buf, &off, NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, 12);
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = -ENOMEM;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "no memory");
	end_msg(&off, nlh);
	memset(&p, 0, sizeof(p));
	p.seq = 12;
	nl_parse_buf(&p, buf, off);
	ok(p.err == -ENOMEM && !strcmp(p.extack, "no memory"), "nl: error in NLMSG_DONE");

	/* A truncated buffer. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_STATS, 0, 13);
	nlh->nlmsg_len = 4000;
	memset(&p, 0, sizeof(p));
	p.seq = 13;
	is_int(nl_parse_buf(&p, buf, 100), -EBADMSG, "nl: truncated message is -EBADMSG");
}

/* --- attribute parsing --------------------------------------------------------------------- */

/* A pad attribute (no payload), as nla_put_64bit() may put before a u64. */
void put_pad(struct nlmsghdr *nlh, uint16_t type)
{
	static const char none;

	mnl_attr_put(nlh, type, 0, &none);
}

/* A port: a u16 in network byte order. */
void put_port(struct nlmsghdr *nlh, uint16_t type, uint16_t port)
{
	mnl_attr_put_u16(nlh, type, htons(port));
}

/*
 * The attributes of a listener, as tcpobs.ko puts them: at the top level of
 * a get-listener message (@nest 0), or in nest @nest of an event.
 */
void put_listener(struct nlmsghdr *nlh, uint16_t nest, uint8_t family,
		  const char *addr, uint16_t port, uint64_t cookie,
		  uint32_t backlog, uint32_t accept_q, const uint64_t *causes)
{
	static const uint16_t cause_attrs[NCAUSES] = {
		TCPOBS_A_LISTENER_LISTEN_OVERFLOWS, TCPOBS_A_LISTENER_LISTEN_DROPS,
		TCPOBS_A_LISTENER_REQQ_FULL_DROPS, TCPOBS_A_LISTENER_REQQ_FULL_COOKIES,
		TCPOBS_A_LISTENER_SYNCOOKIES_SENT, TCPOBS_A_LISTENER_SYNCOOKIES_RECV,
		TCPOBS_A_LISTENER_SYNCOOKIES_FAILED,
	};
	struct nlattr *n = nest ? mnl_attr_nest_start(nlh, nest) : NULL, *c;
	uint8_t a[16];
	unsigned int i;

	inet_pton(family, addr, a);
	mnl_attr_put_u8(nlh, TCPOBS_A_LISTENER_FAMILY, family);
	mnl_attr_put(nlh, TCPOBS_A_LISTENER_ADDR, family == AF_INET ? 4 : 16, a);
	put_port(nlh, TCPOBS_A_LISTENER_PORT, port);
	put_pad(nlh, TCPOBS_A_LISTENER_PAD);
	mnl_attr_put_u64(nlh, TCPOBS_A_LISTENER_COOKIE, cookie);
	mnl_attr_put_u32(nlh, TCPOBS_A_LISTENER_BACKLOG, backlog);
	mnl_attr_put_u32(nlh, TCPOBS_A_LISTENER_ACCEPT_Q, accept_q);
	mnl_attr_put_u32(nlh, TCPOBS_A_LISTENER_ACCEPT_Q_MAX, accept_q);
	mnl_attr_put_u32(nlh, TCPOBS_A_LISTENER_SYN_Q, 0);
	mnl_attr_put_u32(nlh, TCPOBS_A_LISTENER_SYN_Q_MAX, 1);
	for (i = 0; i < NCAUSES; i++)
		mnl_attr_put_u64(nlh, cause_attrs[i], causes[i]);
	for (i = 0; i < NCAUSES; i++) {
		if (!causes[i])
			continue;
		c = mnl_attr_nest_start(nlh, TCPOBS_A_LISTENER_CAUSE);
		mnl_attr_put_u8(nlh, TCPOBS_A_CAUSE_ID, i);
		mnl_attr_put_u64(nlh, TCPOBS_A_CAUSE_COUNT, causes[i]);
		mnl_attr_put_u64(nlh, TCPOBS_A_CAUSE_FIRST, 2465000000ULL);
		mnl_attr_put_u64(nlh, TCPOBS_A_CAUSE_LAST, 3482000000ULL);
		mnl_attr_nest_end(nlh, c);
	}
	if (n)
		mnl_attr_nest_end(nlh, n);
}

static void test_msg(void)
{
	static char buf[16384];
	uint64_t causes[NCAUSES] = { 18, 18, 0, 0, 0, 0, 0 };
	char s[ENDPOINT_LEN];
	struct stats_reply st = { 0 };
	struct transitions tr = { 0 };
	struct listeners ls = { 0 };
	struct sockets ss = { 0 };
	struct tw_reply tw = { 0 };
	struct ecn_reply ecn = { 0 };
	struct lifetimes lt = { 0 };
	struct features f = { 0 };
	struct options o;
	struct event ev;
	struct nlmsghdr *nlh;
	struct nlattr *n, *t;
	uint8_t a6[16];
	size_t off;
	int64_t v;

	/* GET_STATS: typed counters at the top level, out of order on purpose. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_STATS, 0, 1);
	put_pad(nlh, TCPOBS_A_STATS_PAD);
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_SOCKETS, 5);
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_LISTEN_OVERFLOWS, 18);
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_UNATTRIBUTED_LISTEN_DROPS, (uint64_t)-2);
	mnl_attr_put_u32(nlh, TCPOBS_A_STATS_UNATTRIBUTED_SYNCOOKIES_SENT, (uint32_t)-3);
	mnl_attr_put_u32(nlh, TCPOBS_A_STATS_LISTENERS, 0xffffffffU);
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_EVENTS_SEQ, 9);
	mnl_attr_put_u64(nlh, TCPOBS_A_STATS_MAX + 5, 77);	/* a future counter */
	n = mnl_attr_nest_start(nlh, TCPOBS_A_STATS_TIMEWAIT);
	mnl_attr_put_u64(nlh, TCPOBS_A_TIMEWAIT_STATS_TW, 13);
	mnl_attr_nest_end(nlh, n);
	ok(mnl_attr_get_type(n) == TCPOBS_A_STATS_TIMEWAIT && (n->nla_type & NLA_F_NESTED),
	   "mnl_attr_nest_start sets NLA_F_NESTED");
	n = mnl_attr_nest_start(nlh, TCPOBS_A_STATS_ECN);
	mnl_attr_put_u64(nlh, TCPOBS_A_ECN_STATS_IP6_IN_CE, 3);
	mnl_attr_put_u64(nlh, TCPOBS_A_ECN_STATS_IP_IN_CE, 7);
	mnl_attr_nest_end(nlh, n);
	is_int(parse_stats_msg(nlh, &st), 0, "parse GET_STATS");
	ok(counters_get(&st.stats, "listen_overflows", &v) && v == 18, "stats counter listen_overflows 18");
	is_int(counters_val(&st.stats, "unattributed_listen_drops"), -2, "stats: s64 counter is signed");
	is_int(counters_val(&st.stats, "unattributed_syncookies_sent"), -3,
	       "stats: a narrower s64 counter is sign-extended");
	is_int(counters_val(&st.stats, "listeners"), 0xffffffffLL,
	       "stats: a narrower u64 counter is not");
	ok(!counters_get(&st.stats, "nope", NULL), "stats: absent counter");
	ok(st.stats.n == 6 && !strcmp(st.stats.v[0].name, "listen_overflows") &&
	   !strcmp(st.stats.v[3].name, "listeners") && !strcmp(st.stats.v[4].name, "sockets") &&
	   !strcmp(st.stats.v[5].name, "events_seq"),
	   "stats: in the order of the set, pad and unknown attributes ignored");
	is_int(counters_val(&st.timewait, "tw"), 13, "stats: timewait totals");
	ok(st.ecn.n == 2 && !strcmp(st.ecn.v[0].name, "ip_in_ce") && st.ecn.v[1].value == 3,
	   "stats: ECN totals in the order of their set");
	ok(st.events.n == 1 && counters_val(&st.events, "events_seq") == 9,
	   "stats: the events counters apart too");
	stats_reply_free(&st);

	/* A counter of a width that is no integer's is malformed. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_STATS, 0, 1);
	mnl_attr_put(nlh, TCPOBS_A_STATS_SOCKETS, 3, "abc");
	is_int(parse_stats_msg(nlh, &st), -EBADMSG, "parse: a 3-byte counter is -EBADMSG");
	stats_reply_free(&st);

	/* GET_STATES: a message per transition. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_STATES, NLM_F_MULTI, 1);
	mnl_attr_put_u8(nlh, TCPOBS_A_TRANSITION_FROM, 7);
	mnl_attr_put_u8(nlh, TCPOBS_A_TRANSITION_TO, 2);
	put_pad(nlh, TCPOBS_A_TRANSITION_PAD);
	mnl_attr_put_u64(nlh, TCPOBS_A_TRANSITION_COUNT, 10);
	is_int(parse_states_msg(nlh, &tr), 0, "parse GET_STATES");
	ok(tr.n == 1 && tr.v[0].from == 7 && tr.v[0].to == 2 && tr.v[0].count == 10,
	   "states: transition CLOSE -> SYN-SENT 10");
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_STATES, NLM_F_MULTI, 1);
	mnl_attr_put_u8(nlh, TCPOBS_A_TRANSITION_FROM, 7);
	mnl_attr_put_u64(nlh, TCPOBS_A_TRANSITION_COUNT, 10);
	is_int(parse_states_msg(nlh, &tr), -EBADMSG, "parse: a transition without to is -EBADMSG");
	transitions_free(&tr);

	/* A listener. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_LISTENER, NLM_F_MULTI, 1);
	put_listener(nlh, 0, AF_INET, "127.0.0.1", 9090, 0x1001, 2, 3, causes);
	mnl_attr_put_u32(nlh, TCPOBS_A_LISTENER_MAX + 5, 1);	/* a future attribute */
	is_int(parse_listener_msg(nlh, &ls), 0, "parse a listener (unknown attribute ignored)");
	listener_local(&ls.v[0], s, sizeof(s));
	is_str(s, "127.0.0.1:9090", "listener local, the port from network byte order");
	ok(ls.v[0].cookie == 0x1001 && ls.v[0].backlog == 2 && ls.v[0].accept_q == 3 &&
	   ls.v[0].syn_q_max == 1, "listener cookie and queues");
	ok(ls.v[0].cause[TCPOBS_CAUSE_LISTEN_OVERFLOWS] == 18 &&
	   ls.v[0].cause[TCPOBS_CAUSE_REQQ_FULL_DROPS] == 0, "listener causes");
	ok(ls.v[0].when[0].seen && ls.v[0].when[0].last == 3482000000ULL &&
	   ls.v[0].when[1].seen && !ls.v[0].when[2].seen, "listener cause times (multi-attr cause)");

	/* A listener with a wrong address length is malformed. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_LISTENER, NLM_F_MULTI, 1);
	mnl_attr_put_u8(nlh, TCPOBS_A_LISTENER_FAMILY, AF_INET6);
	mnl_attr_put_u32(nlh, TCPOBS_A_LISTENER_ADDR, 0);
	put_port(nlh, TCPOBS_A_LISTENER_PORT, 1);
	is_int(parse_listener_msg(nlh, &ls), -EBADMSG, "parse: IPv6 listener with 4-byte address is -EBADMSG");

	/* A port is a be16: any other width is malformed. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_LISTENER, NLM_F_MULTI, 1);
	mnl_attr_put_u8(nlh, TCPOBS_A_LISTENER_FAMILY, AF_INET);
	mnl_attr_put_u32(nlh, TCPOBS_A_LISTENER_ADDR, htonl(0x7f000001));
	mnl_attr_put_u32(nlh, TCPOBS_A_LISTENER_PORT, 9090);
	is_int(parse_listener_msg(nlh, &ls), -EBADMSG, "parse: a 4-byte port is -EBADMSG");
	listeners_free(&ls);

	/* A socket. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_SOCKET, NLM_F_MULTI, 1);
	inet_pton(AF_INET6, "::1", a6);
	mnl_attr_put_u8(nlh, TCPOBS_A_SOCKET_FAMILY, AF_INET6);
	mnl_attr_put(nlh, TCPOBS_A_SOCKET_SADDR, 16, a6);
	mnl_attr_put(nlh, TCPOBS_A_SOCKET_DADDR, 16, a6);
	put_port(nlh, TCPOBS_A_SOCKET_SPORT, 7071);
	put_port(nlh, TCPOBS_A_SOCKET_DPORT, 40122);
	mnl_attr_put_u8(nlh, TCPOBS_A_SOCKET_STATE, 8);
	mnl_attr_put_u64(nlh, TCPOBS_A_SOCKET_AGE_IN_STATE, 12412000000ULL);
	mnl_attr_put_u64(nlh, TCPOBS_A_SOCKET_AGE, 12415000000ULL);
	/* Counters past 32 bits (u64 attributes) keep their high bits. */
	mnl_attr_put_u64(nlh, TCPOBS_A_SOCKET_TRANSITIONS, 0x100000002ULL);
	mnl_attr_put_u64(nlh, TCPOBS_A_SOCKET_COOKIE, 0x2f);
	mnl_attr_put_u8(nlh, TCPOBS_A_SOCKET_ECN, 1);
	mnl_attr_put_u64(nlh, TCPOBS_A_SOCKET_CE, 0x500000005ULL);
	mnl_attr_put_u64(nlh, TCPOBS_A_SOCKET_CWR_OUT, 6);
	mnl_attr_put_u64(nlh, TCPOBS_A_SOCKET_DELIVERED_CE, 4);
	is_int(parse_socket_msg(nlh, &ss), 0, "parse a socket");
	sock_local(&ss.v[0], s, sizeof(s));
	is_str(s, "[::1]:7071", "socket local");
	sock_peer(&ss.v[0], s, sizeof(s));
	is_str(s, "[::1]:40122", "socket peer");
	ok(ss.v[0].state == 8 && ss.v[0].age_in_state == 12412000000ULL &&
	   ss.v[0].transitions == 0x100000002ULL && ss.v[0].cookie == 0x2f,
	   "socket state, age, transitions (64-bit), cookie");
	ok(ss.v[0].ecn == 1 && ss.v[0].ecnv[SK_CE] == 0x500000005ULL && ss.v[0].ecnv[SK_CWR_OUT] == 6 &&
	   ss.v[0].ecnv[SK_DELIVERED_CE] == 4 && ss.v[0].ecnv[SK_ECT0] == 0,
	   "socket ECN columns");
	sockets_free(&ss);

	/* GET_TIMEWAIT: the totals, two tables and the ages, a message each. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_TIMEWAIT, NLM_F_MULTI, 1);
	n = mnl_attr_nest_start(nlh, TCPOBS_A_TIMEWAIT_TOTALS);
	mnl_attr_put_u64(nlh, TCPOBS_A_TIMEWAIT_STATS_TRACKED, 12);
	mnl_attr_put_u64(nlh, TCPOBS_A_TIMEWAIT_STATS_TW, 13);
	mnl_attr_nest_end(nlh, n);
	is_int(parse_timewait_msg(nlh, &tw), 0, "parse GET_TIMEWAIT totals");
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_TIMEWAIT, NLM_F_MULTI, 1);
	n = mnl_attr_nest_start(nlh, TCPOBS_A_TIMEWAIT_TABLE);
	mnl_attr_put_u8(nlh, TCPOBS_A_TW_TABLE_KIND, TCPOBS_TW_KIND_PEER_PORT);
	t = mnl_attr_nest_start(nlh, TCPOBS_A_TW_TABLE_ROW);
	put_port(nlh, TCPOBS_A_TW_ROW_PORT, 8080);
	mnl_attr_put_u64(nlh, TCPOBS_A_TW_ROW_COUNT, 6);
	mnl_attr_nest_end(nlh, t);
	t = mnl_attr_nest_start(nlh, TCPOBS_A_TW_TABLE_ROW);
	put_port(nlh, TCPOBS_A_TW_ROW_PORT, 443);
	mnl_attr_put_u64(nlh, TCPOBS_A_TW_ROW_COUNT, 2);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_put_u64(nlh, TCPOBS_A_TW_TABLE_OTHER, 7);
	mnl_attr_nest_end(nlh, n);
	is_int(parse_timewait_msg(nlh, &tw), 0, "parse GET_TIMEWAIT a port table");
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_TIMEWAIT, NLM_F_MULTI, 1);
	n = mnl_attr_nest_start(nlh, TCPOBS_A_TIMEWAIT_TABLE);
	mnl_attr_put_u8(nlh, TCPOBS_A_TW_TABLE_KIND, TCPOBS_TW_KIND_PEER);
	t = mnl_attr_nest_start(nlh, TCPOBS_A_TW_TABLE_ROW);
	mnl_attr_put_u8(nlh, TCPOBS_A_TW_ROW_FAMILY, AF_INET);
	mnl_attr_put_u32(nlh, TCPOBS_A_TW_ROW_ADDR, htonl(0x7f000001));
	mnl_attr_put_u64(nlh, TCPOBS_A_TW_ROW_COUNT, 10);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_put_u64(nlh, TCPOBS_A_TW_TABLE_OTHER, 3);
	mnl_attr_nest_end(nlh, n);
	is_int(parse_timewait_msg(nlh, &tw), 0, "parse GET_TIMEWAIT the peer table");
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_TIMEWAIT, NLM_F_MULTI, 1);
	n = mnl_attr_nest_start(nlh, TCPOBS_A_TIMEWAIT_AGE);
	mnl_attr_put_u32(nlh, TCPOBS_A_TW_AGE_FROM_S, 0);
	mnl_attr_put_u32(nlh, TCPOBS_A_TW_AGE_TO_S, 1);
	mnl_attr_put_u64(nlh, TCPOBS_A_TW_AGE_COUNT, 13);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, TCPOBS_A_TIMEWAIT_AGE);
	mnl_attr_put_u32(nlh, TCPOBS_A_TW_AGE_FROM_S, 60);
	mnl_attr_put_u32(nlh, TCPOBS_A_TW_AGE_TO_S, 0);
	mnl_attr_put_u64(nlh, TCPOBS_A_TW_AGE_COUNT, 1);
	mnl_attr_nest_end(nlh, n);
	is_int(parse_timewait_msg(nlh, &tw), 0, "parse GET_TIMEWAIT the ages");
	ok(tw.totals.n == 2 && !strcmp(tw.totals.v[0].name, "tw") &&
	   counters_val(&tw.totals, "tracked") == 12, "timewait totals, in the order of the set");
	ok(tw.t[TCPOBS_TW_KIND_PEER_PORT].present && tw.t[TCPOBS_TW_KIND_PEER_PORT].n == 2 &&
	   tw.t[TCPOBS_TW_KIND_PEER_PORT].rows[0].port == 8080 &&
	   tw.t[TCPOBS_TW_KIND_PEER_PORT].rows[1].port == 443 &&
	   tw.t[TCPOBS_TW_KIND_PEER_PORT].other == 7 && !tw.t[TCPOBS_TW_KIND_LOCAL_PORT].present,
	   "timewait peer_port table, multi-attr rows");
	fmt_addr(s, sizeof(s), tw.t[TCPOBS_TW_KIND_PEER].rows[0].family,
		 tw.t[TCPOBS_TW_KIND_PEER].rows[0].addr, tw.t[TCPOBS_TW_KIND_PEER].rows[0].alen);
	is_str(s, "127.0.0.1", "timewait peer row address");
	ok(tw.nages == 2 && tw.ages[1].from == 60 && tw.ages[1].to == 0 && tw.ages[1].count == 1,
	   "timewait age buckets, 60s+ last");
	tw_reply_free(&tw);

	/* GET_LIFETIMES: a message per bucket. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_LIFETIMES, NLM_F_MULTI, 1);
	mnl_attr_put_u8(nlh, TCPOBS_A_LIFETIME_STATE, 3);
	mnl_attr_put_u64(nlh, TCPOBS_A_LIFETIME_FROM_US, 32);
	mnl_attr_put_u64(nlh, TCPOBS_A_LIFETIME_TO_US, 64);
	mnl_attr_put_u64(nlh, TCPOBS_A_LIFETIME_COUNT, 4);
	ok(!parse_lifetimes_msg(nlh, &lt) && lt.n == 1 && lt.v[0].state == 3 &&
	   lt.v[0].from_us == 32 && lt.v[0].to_us == 64 && lt.v[0].count == 4,
	   "parse GET_LIFETIMES");
	lifetimes_free(&lt);

	/* GET_ECN: the totals, a row and the other row, a message each. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_ECN, NLM_F_MULTI, 1);
	n = mnl_attr_nest_start(nlh, TCPOBS_A_ECN_TOTALS);
	mnl_attr_put_u64(nlh, TCPOBS_A_ECN_STATS_IP_IN_CE, 2807);
	mnl_attr_nest_end(nlh, n);
	is_int(parse_ecn_msg(nlh, &ecn), 0, "parse GET_ECN totals");
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_ECN, NLM_F_MULTI, 1);
	n = mnl_attr_nest_start(nlh, TCPOBS_A_ECN_SERVICE);
	mnl_attr_put_u8(nlh, TCPOBS_A_ECN_SERVICE_SIDE, TCPOBS_ECN_SIDE_LOCAL);
	put_port(nlh, TCPOBS_A_ECN_SERVICE_PORT, 5001);
	mnl_attr_put_u64(nlh, TCPOBS_A_ECN_SERVICE_SOCKETS, 2);
	mnl_attr_put_u64(nlh, TCPOBS_A_ECN_SERVICE_CE, 2807);
	mnl_attr_put_u64(nlh, TCPOBS_A_ECN_SERVICE_DELIVERED_CE, 1);
	mnl_attr_nest_end(nlh, n);
	is_int(parse_ecn_msg(nlh, &ecn), 0, "parse GET_ECN a service");
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_ECN, NLM_F_MULTI, 1);
	n = mnl_attr_nest_start(nlh, TCPOBS_A_ECN_SERVICE);
	mnl_attr_put_u8(nlh, TCPOBS_A_ECN_SERVICE_SIDE, TCPOBS_ECN_SIDE_OTHER);
	put_port(nlh, TCPOBS_A_ECN_SERVICE_PORT, 0);
	mnl_attr_put_u64(nlh, TCPOBS_A_ECN_SERVICE_SOCKETS, 9);
	mnl_attr_nest_end(nlh, n);
	is_int(parse_ecn_msg(nlh, &ecn), 0, "parse GET_ECN the other row");
	ok(ecn.totals.n == 1 && counters_val(&ecn.totals, "ip_in_ce") == 2807, "ecn totals");
	ok(ecn.n == 1 && ecn.rows[0].side == TCPOBS_ECN_SIDE_LOCAL && ecn.rows[0].port == 5001 &&
	   ecn.rows[0].v[0] == 2 && ecn.rows[0].v[2] == 2807 && ecn.rows[0].v[ECN_NCOLS - 1] == 1,
	   "ecn service row columns");
	ok(ecn.has_other && ecn.other.v[0] == 9, "ecn other row apart");
	is_str(ecn_col_names[2], "ce", "ecn column 2 is ce");
	ecn_reply_free(&ecn);

	/* GET_OPTIONS: flat. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_OPTIONS, 0, 1);
	mnl_attr_put_u32(nlh, TCPOBS_A_OPTIONS_EVENTS, TCPOBS_EVENTS_STATES);
	mnl_attr_put_u32(nlh, TCPOBS_A_OPTIONS_INTERVAL_MS, 100);
	ok(!parse_options_msg(nlh, &o) && o.has_events && o.events == TCPOBS_EVENTS_STATES &&
	   o.has_interval && o.interval_ms == 100, "parse GET_OPTIONS");

	/* GET_FEATURES: a message per feature, reason only when there is one. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_FEATURES, NLM_F_MULTI, 1);
	mnl_attr_put_strz(nlh, TCPOBS_A_FEATURE_NAME, "states");
	mnl_attr_put_u8(nlh, TCPOBS_A_FEATURE_EXACT, 1);
	is_int(parse_features_msg(nlh, &f), 0, "parse GET_FEATURES an exact feature");
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_FEATURES, NLM_F_MULTI, 1);
	mnl_attr_put_strz(nlh, TCPOBS_A_FEATURE_NAME, "mptcp");
	mnl_attr_put_u8(nlh, TCPOBS_A_FEATURE_EXACT, 0);
	mnl_attr_put_strz(nlh, TCPOBS_A_FEATURE_REASON, "not in this kernel");
	is_int(parse_features_msg(nlh, &f), 0, "parse GET_FEATURES a degraded feature");
	ok(f.n == 2 && f.v[0].exact && !f.v[0].reason[0] && !f.v[1].exact &&
	   !strcmp(f.v[1].name, "mptcp") && !strcmp(f.v[1].reason, "not in this kernel"),
	   "features: name, exact, reason");
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_FEATURES, NLM_F_MULTI, 1);
	mnl_attr_put_u8(nlh, TCPOBS_A_FEATURE_EXACT, 0);
	is_int(parse_features_msg(nlh, &f), -EBADMSG, "parse: a feature without a name is -EBADMSG");

	/* A listen-drop event. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_EVENT, 0, 0);
	mnl_attr_put_u64(nlh, TCPOBS_A_EVENT_SEQ, 41);
	mnl_attr_put_u8(nlh, TCPOBS_A_EVENT_TYPE, TCPOBS_EVENT_TYPE_LISTEN_DROP);
	mnl_attr_put_u64(nlh, TCPOBS_A_EVENT_TIME, 5000000000ULL);
	mnl_attr_put_u8(nlh, TCPOBS_A_EVENT_CAUSE, TCPOBS_CAUSE_LISTEN_OVERFLOWS);
	put_listener(nlh, TCPOBS_A_EVENT_LISTENER, AF_INET6, "::", 443, 0x2a, 4096, 0, causes);
	is_int(parse_event_msg(nlh, &ev), 0, "parse a listen-drop event");
	listener_local(&ev.l, s, sizeof(s));
	ok(ev.seq == 41 && ev.type == TCPOBS_EVENT_TYPE_LISTEN_DROP && ev.has_cause &&
	   ev.cause == 0 && ev.has_listener && !strcmp(s, "[::]:443") &&
	   ev.l.cause[TCPOBS_CAUSE_LISTEN_DROPS] == 18 && ev.l.when[1].seen,
	   "listen-drop event fields");

	/* A state event. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_EVENT, 0, 0);
	mnl_attr_put_u64(nlh, TCPOBS_A_EVENT_SEQ, 42);
	mnl_attr_put_u8(nlh, TCPOBS_A_EVENT_TYPE, TCPOBS_EVENT_TYPE_STATE);
	mnl_attr_put_u64(nlh, TCPOBS_A_EVENT_TIME, 5000000000ULL);
	t = mnl_attr_nest_start(nlh, TCPOBS_A_EVENT_SOCKET);
	mnl_attr_put_u8(nlh, TCPOBS_A_SOCKET_FAMILY, AF_INET);
	mnl_attr_put_u32(nlh, TCPOBS_A_SOCKET_SADDR, htonl(0x7f000001));
	mnl_attr_put_u32(nlh, TCPOBS_A_SOCKET_DADDR, htonl(0x7f000002));
	put_port(nlh, TCPOBS_A_SOCKET_SPORT, 7071);
	put_port(nlh, TCPOBS_A_SOCKET_DPORT, 40122);
	mnl_attr_put_u64(nlh, TCPOBS_A_SOCKET_COOKIE, 0x2f);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_put_u8(nlh, TCPOBS_A_EVENT_OLD_STATE, 1);
	mnl_attr_put_u8(nlh, TCPOBS_A_EVENT_NEW_STATE, 8);
	is_int(parse_event_msg(nlh, &ev), 0, "parse a state event");
	sock_peer(&ev.s, s, sizeof(s));
	ok(ev.seq == 42 && ev.has_socket && ev.old_state == 1 && ev.new_state == 8 &&
	   !strcmp(s, "127.0.0.2:40122"), "state event fields");

	/* Not an event. */
	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_STATS, 0, 0);
	is_int(parse_event_msg(nlh, &ev), -ENOMSG, "parse_event_msg: other commands are -ENOMSG");
}

/* The attribute of type @type at the top level of request @nlh, or NULL. */
static const struct nlattr *req_attr(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static void test_filter(void)
{
	static char buf[NL_REQ_SIZE];
	struct cmd_args a = { .has_port = true, .port = 8080, .has_state = true, .state = 8 };
	const struct nlattr *port, *state;
	struct nlmsghdr *nlh;
	size_t off = 0;
	uint16_t be;

	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_SOCKET, NLM_F_DUMP, 1);
	client_put_filter(nlh, TCPOBS_CMD_GET_SOCKET, &a);
	port = req_attr(nlh, TCPOBS_A_SOCKET_PORT);
	state = req_attr(nlh, TCPOBS_A_SOCKET_STATE);
	if (port)
		memcpy(&be, mnl_attr_get_payload(port), sizeof(be));
	ok(port && mnl_attr_get_payload_len(port) == 2 && !(port->nla_type & NLA_F_NESTED) &&
	   be == htons(8080), "filter: get-socket port, a be16 at the top level");
	ok(state && mnl_attr_get_payload_len(state) == 1 && mnl_attr_get_u8(state) == 8,
	   "filter: get-socket state, a u8");

	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_LISTENER, NLM_F_DUMP, 1);
	client_put_filter(nlh, TCPOBS_CMD_GET_LISTENER, &a);
	port = req_attr(nlh, TCPOBS_A_LISTENER_PORT);
	if (port)
		memcpy(&be, mnl_attr_get_payload(port), sizeof(be));
	ok(port && mnl_attr_get_payload_len(port) == 2 && be == htons(8080) &&
	   nlh->nlmsg_len == NLMSG_HDRLEN + GENL_HDRLEN + MNL_ATTR_HDRLEN + 4,
	   "filter: get-listener takes the port only");

	off = 0;
	nlh = put_genl(buf, &off, TCPOBS_CMD_GET_SOCKET, NLM_F_DUMP, 1);
	memset(&a, 0, sizeof(a));
	client_put_filter(nlh, TCPOBS_CMD_GET_SOCKET, &a);
	is_int(nlh->nlmsg_len, NLMSG_HDRLEN + sizeof(struct genlmsghdr),
	       "filter: no filter, no attribute");
}

/* --- top and export ---------------------------------------------------------------------- */

static struct listener mk_listener(const char *addr, uint16_t port, uint64_t cookie,
				   uint64_t drops)
{
	struct listener l;

	memset(&l, 0, sizeof(l));
	l.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	l.alen = l.family == AF_INET ? 4 : 16;
	inet_pton(l.family, addr, l.addr);
	l.port = port;
	l.cookie = cookie;
	l.backlog = 128;
	l.accept_q = 1;
	l.cause[TCPOBS_CAUSE_LISTEN_DROPS] = drops;
	l.cause[TCPOBS_CAUSE_LISTEN_OVERFLOWS] = drops;
	return l;
}

static void test_top_export(void)
{
	struct listener pv[2], cv[3];
	struct listeners prev = { .v = pv, .n = 2 }, cur = { .v = cv, .n = 3 };
	struct stats_reply st = { 0 };
	struct top_row rows[3];
	struct counter sc[2] = { { "listen_overflows", 30 }, { "sockets", 5 } };
	struct counter tc[1] = { { "tw", 13 } };
	struct counter ec[2] = { { "ip_in_ce", 7 }, { "ip6_in_ce", 3 } };
	struct mem m;
	char *s;

	pv[0] = mk_listener("127.0.0.1", 8080, 1, 10);
	pv[1] = mk_listener("::1", 9090, 2, 100);
	cv[0] = mk_listener("127.0.0.1", 8080, 1, 30);	/* +20 in 2 s */
	cv[1] = mk_listener("::1", 9090, 2, 102);	/* +2 */
	cv[2] = mk_listener("127.0.0.1", 8080, 3, 1);	/* new: +1 */
	top_rows(&prev, &cur, 2.0, rows);
	ok(rows[0].l->cookie == 1 && rows[0].rate == 10.0, "top: highest rate first (10/s)");
	ok(rows[1].l->cookie == 2 && rows[1].rate == 1.0, "top: then 1/s");
	ok(rows[2].l->cookie == 3 && rows[2].delta == 1, "top: a new listener counts from 0");

	st.stats.v = sc;
	st.stats.n = 2;
	st.timewait.v = tc;
	st.timewait.n = 1;
	st.ecn.v = ec;
	st.ecn.n = 2;
	prom_write(mem_open(&m), "4026531840", &st, &cur);
	s = mem_close(&m);
	has_str(s, "# TYPE tcpobs_listener_drops_total counter\n", "export: counter TYPE line");
	has_str(s, "# HELP tcpobs_listener_backlog ", "export: HELP line");
	has_str(s, "tcpobs_listener_drops_total{netns=\"4026531840\",addr=\"127.0.0.1\",port=\"8080\",cause=\"listen_overflows\"} 31\n",
		"export: a SO_REUSEPORT group is summed");
	has_str(s, "tcpobs_listener_drops_total{netns=\"4026531840\",addr=\"::1\",port=\"9090\",cause=\"syncookies_failed\"} 0\n",
		"export: one series per cause, IPv6 address without brackets");
	has_str(s, "tcpobs_listener_backlog{netns=\"4026531840\",addr=\"::1\",port=\"9090\"} 128\n",
		"export: backlog gauge");
	has_str(s, "tcpobs_listen_drops_total{netns=\"4026531840\",cause=\"listen_overflows\"} 30\n",
		"export: namespace totals");
	has_str(s, "tcpobs_timewait_sockets{netns=\"4026531840\"} 13\n", "export: timewait sockets");
	has_str(s, "tcpobs_tracked_sockets{netns=\"4026531840\"} 5\n", "export: tracked sockets");
	has_str(s, "tcpobs_ecn_ce_packets_total{netns=\"4026531840\",family=\"ipv6\"} 3\n",
		"export: CE packets per family");
	free(s);
}

/* --- the real kernel: generic netlink's own family ------------------------------------------- */

static void test_kernel(void)
{
	static char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	int families = 0;
	struct nl nl;
	int err = nl_open(&nl);

	if (err) {
		printf("ok %d # SKIP no generic netlink socket: %s\n", ++tests, strerror(-err));
		return;
	}
	err = nl_resolve(&nl, "nlctrl", "notify");
	ok(!err && nl.family == GENL_ID_CTRL && nl.version >= 1 && nl.mcgrp,
	   "kernel: resolve nlctrl, its version and its notify group");
	is_int(nl_resolve(&nl, "tcpobs-nosuch", NULL), -ENOENT,
	       "kernel: an unknown family is -ENOENT");
	/* Longer than GENL_NAMSIZ: refused by the policy, with a message. */
	err = nl_resolve(&nl, "tcpobs-name-too-long-for-genl", NULL);
	if (!ok(err == -EINVAL && nl.extack[0], "kernel: policy error with an extack message"))
		printf("#   err %d extack '%s'\n", err, nl.extack);
	else
		printf("#   kernel said: %s\n", nl.extack);
	/* A real multi-part dump: every family. */
	nlh = nl_msg(&nl, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_DUMP);
	err = nl_dump(&nl, nlh, count_cb, &families, NULL, "unit");
	ok(!err && families >= 2, "kernel: dump of the generic netlink families (%d)", families);
	nl_close(&nl);
}

int main(int argc, char **argv)
{
	const char *fixtures = argc > 1 ? argv[1] : "tests/fixtures";

	setvbuf(stdout, NULL, _IOLBF, 0);
	test_fmt();
	test_json();
	test_table();
	test_print();
	test_procfs(fixtures);
	test_diag();
	test_seqtrack();
	test_nl_parse();
	test_msg();
	test_filter();
	test_top_export();
	test_kernel();
	test_commands(fixtures);
	printf("1..%d\n", tests);
	if (failed)
		printf("# %d of %d failed\n", failed, tests);
	return failed ? 1 : 0;
}
