// SPDX-License-Identifier: GPL-2.0
/*
 * asuser: run a command as uid/gid 65534 ("nobody"), without
 * capabilities, for the permission selftests.
 *
 *   asuser COMMAND [ARGS]
 */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: asuser COMMAND [ARGS]\n");
		return 2;
	}
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		perror("asuser");
		return 1;
	}
	execvp(argv[1], argv + 1);
	perror("asuser: exec");
	return 127;
}
