// SPDX-License-Identifier: GPL-2.0
/*
 * finit: load a module with one finit_module() call, and say how it went.
 * (busybox's insmod, the VM's, tries init_module() again when
 * finit_module() fails: a load that failed once would look like one that
 * worked.) With -n N, the Nth allocation of the load that passes the
 * fault injection's filters fails first (this thread's fail-nth).
 *
 *   finit [-n N] MODULE.ko [PARAMS]
 *
 * Exit status 0 when loaded, 1 with "finit: <error>" when not. With -n,
 * once loaded, "finit: injected" or "finit: not injected" (the load made
 * fewer than N such allocations).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *nth = NULL;
	char path[64];
	int fd, i = 1;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		nth = argv[2];
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: finit [-n N] MODULE.ko [PARAMS]\n");
		return 2;
	}
	fd = open(argv[i], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("finit: open");
		return 2;
	}
	if (nth) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
			 (long)syscall(SYS_gettid));
		f = fopen(path, "w");
		if (!f || fputs(nth, f) < 0 || fclose(f)) {
			perror("finit: fail-nth");
			return 2;
		}
	}
	if (syscall(SYS_finit_module, fd, i + 1 < argc ? argv[i + 1] : "", 0)) {
		fprintf(stderr, "finit: %s\n", strerror(errno));
		return 1;
	}
	if (nth) {
		FILE *f = fopen(path, "r");
		unsigned int left = 1;

		if (!f || fscanf(f, "%u", &left) != 1) {
			perror("finit: fail-nth");
			return 2;
		}
		fclose(f);
		/* (reading it does not count: only filtered allocations do) */
		fprintf(stderr, "finit: %s\n", left ? "not injected" : "injected");
	}
	return 0;
}
