// SPDX-License-Identifier: GPL-2.0
/*
 * tcpobs(8): the user-space tool of tcpobs.ko, over its generic netlink
 * family. Options and command line; the commands live in their own files.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "tool.h"

struct opts opt = {
	.interval = 1.0,
};

/* Which arguments a command takes. */
#define A_PORT	(1U << 0)
#define A_STATE	(1U << 1)
#define A_TOP	(1U << 2)
#define A_WATCH	(1U << 3)

static const struct command {
	const char *name;
	int (*run)(const struct cmd_args *a);
	unsigned int args;
} commands[] = {
	{ "stats", cmd_stats, 0 },
	{ "listeners", cmd_listeners, A_PORT },
	{ "sockets", cmd_sockets, A_PORT | A_STATE },
	{ "states", cmd_states, 0 },
	{ "timewait", cmd_timewait, A_TOP },
	{ "lifetimes", cmd_lifetimes, 0 },
	{ "ecn", cmd_ecn, 0 },
	{ "reset", cmd_reset, 0 },
	{ "watch", cmd_watch, A_WATCH },
	{ "top", cmd_top, A_PORT },
	{ "diagnose", cmd_diagnose, A_PORT },
	{ "export", cmd_export, 0 },
	{ "features", cmd_features, 0 },
};

static void usage(FILE *f)
{
	fputs("Usage: tcpobs [OPTIONS] COMMAND [ARGS]\n"
	      "\n"
	      "Shows what tcpobs.ko observes of TCP in this network namespace.\n"
	      "\n"
	      "Commands:\n"
	      "  stats                        namespace totals (name value)\n"
	      "  listeners [port N]           the listener ledger: drops per listener and cause\n"
	      "  sockets [state S] [port N]   tracked sockets, their state and its age\n"
	      "  states                       the state-transition matrix (from to count)\n"
	      "  timewait [top N]             the TIME_WAIT inventory (N rows per table, 1..64)\n"
	      "  lifetimes                    time-in-state histograms\n"
	      "  ecn                          ECN totals and per-service rows\n"
	      "  reset                        zero the namespace's counters (CAP_NET_ADMIN)\n"
	      "  watch [listen-drops|states|all]  the event stream, one line per event\n"
	      "  top [port N]                 listeners by listen-drop rate, every interval\n"
	      "  diagnose [port N]            why each listener drops, and what to change\n"
	      "  export                       Prometheus text exposition\n"
	      "  features                     whether each feature is exact on this kernel\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json            JSON output\n"
	      "  -p, --pretty          indented JSON (with -j)\n"
	      "  -n, --numeric         numeric ports (always the case; accepted)\n"
	      "  -H, --no-header       no header line in tables\n"
	      "  -N, --netns NAME      run in network namespace NAME (/run/netns/NAME)\n"
	      "  -i, --interval SEC    interval of top and diagnose (default 1)\n"
	      "  -c, --count N         stop watch after N events, top after N updates\n"
	      "      --rcvbuf BYTES    receive buffer of the watch socket\n"
	      "  -V, --version         print the version\n"
	      "  -h, --help            this help\n"
	      "\n"
	      "States are ss(8)'s names, any case: estab(lished), syn-sent, syn-recv,\n"
	      "fin-wait-1, fin-wait-2, time-wait, close, close-wait, last-ack, listen,\n"
	      "closing. See tcpobs(8).\n", f);
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* The arguments of @cmd: 0 or EXIT_USAGE (said). */
static int parse_args(const struct command *cmd, int argc, char **argv,
		      struct cmd_args *a)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *w = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned long n;
		int s;

		if ((cmd->args & A_PORT) && !strcmp(w, "port")) {
			if (!v)
				return usage_error("%s: port needs a number", cmd->name);
			if (parse_port(v, &a->port))
				return usage_error("%s: bad port '%s' (1..65535)", cmd->name, v);
			a->has_port = true;
			i++;
		} else if ((cmd->args & A_STATE) && !strcmp(w, "state")) {
			if (!v)
				return usage_error("%s: state needs a name", cmd->name);
			s = state_parse(v);
			if (s < 1)
				return usage_error("%s: unknown state '%s'", cmd->name, v);
			a->state = (uint8_t)s;
			a->has_state = true;
			i++;
		} else if ((cmd->args & A_TOP) && (!strcmp(w, "top") || !strcmp(w, "--top"))) {
			if (!v)
				return usage_error("%s: top needs a number", cmd->name);
			if (parse_ulong(v, 1, 64, &n))
				return usage_error("%s: bad top '%s' (1..64)", cmd->name, v);
			a->top = (uint32_t)n;
			i++;
		} else if ((cmd->args & A_WATCH) && !strcmp(w, "listen-drops")) {
			a->events |= TCPOBS_EVENTS_LISTEN_DROPS;
		} else if ((cmd->args & A_WATCH) && !strcmp(w, "states")) {
			a->events |= TCPOBS_EVENTS_STATES;
		} else if ((cmd->args & A_WATCH) && !strcmp(w, "all")) {
			a->events |= TCPOBS_EVENTS_MASK;
		} else {
			return usage_error("%s: unexpected argument '%s'", cmd->name, w);
		}
	}
	return 0;
}

static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		warnmsg("cannot open network namespace \"%s\": %s", name, strerror(errno));
		return EXIT_FAIL;
	}
	if (setns(fd, CLONE_NEWNET)) {
		warnmsg("cannot enter network namespace \"%s\": %s", name, strerror(errno));
		close(fd);
		return EXIT_FAIL;
	}
	close(fd);
	return EXIT_OK;
}

enum { OPT_RCVBUF = 256, OPT_TOP };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "numeric", no_argument, NULL, 'n' },
		{ "no-header", no_argument, NULL, 'H' },
		{ "netns", required_argument, NULL, 'N' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "rcvbuf", required_argument, NULL, OPT_RCVBUF },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct command *cmd;
	struct cmd_args a = { 0 };
	const char *top = NULL;
	unsigned long n;
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jpnHN:i:c:Vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt.json = true;
			break;
		case 'p':
			opt.pretty = true;
			break;
		case 'n':
			opt.numeric = true;
			break;
		case 'H':
			opt.no_header = true;
			break;
		case 'N':
			if (!*optarg || strchr(optarg, '/') || !strcmp(optarg, ".") ||
			    !strcmp(optarg, ".."))
				return usage_error("bad network namespace name '%s'", optarg);
			opt.netns = optarg;
			break;
		case 'i':
			if (parse_seconds(optarg, &opt.interval))
				return usage_error("bad interval '%s' (seconds, e.g. 1 or 0.5)", optarg);
			break;
		case 'c':
			if (parse_ulong(optarg, 1, LONG_MAX, &n))
				return usage_error("bad count '%s' (a positive number)", optarg);
			opt.count = (long)n;
			break;
		case OPT_RCVBUF:
			if (parse_ulong(optarg, 1, INT_MAX / 2, &n))
				return usage_error("bad receive buffer size '%s' (bytes)", optarg);
			opt.rcvbuf = (long)n;
			break;
		case OPT_TOP:
			top = optarg;
			break;
		case 'V':
			printf(TOOL_NAME " " TOOL_VERSION "\n");
			return EXIT_OK;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("no command");
	cmd = find_command(argv[optind]);
	if (!cmd)
		return usage_error("unknown command '%s'", argv[optind]);
	a.name = cmd->name;
	rc = parse_args(cmd, argc - optind - 1, argv + optind + 1, &a);
	if (rc)
		return rc;
	if (top) {
		if (!(cmd->args & A_TOP))
			return usage_error("--top is an argument of timewait");
		if (parse_ulong(top, 1, 64, &n))
			return usage_error("%s: bad top '%s' (1..64)", cmd->name, top);
		a.top = (uint32_t)n;
	}
	if (opt.netns) {
		rc = enter_netns(opt.netns);
		if (rc)
			return rc;
	}
	rc = cmd->run(&a);
	if (fflush(stdout) == EOF && rc == EXIT_OK) {
		warnmsg("write error: %s", strerror(errno));
		rc = EXIT_FAIL;
	}
	return rc;
}
