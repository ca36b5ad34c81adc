/* SPDX-License-Identifier: GPL-2.0 */
/* Text tables: a header of column names, then rows, columns aligned. */
#ifndef TCPOBS_TABLE_H
#define TCPOBS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct table {
	size_t ncols;
	size_t ncells;
	size_t cap;
	char **cells;	/* row-major; row 0 is the header */
};

/* A table of @ncols columns: its first @ncols cells are the header. */
void table_init_cols(struct table *t, size_t ncols);
/* Appends a cell; cells fill the rows left to right. */
void table_cell(struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
size_t table_rows(const struct table *t);	/* header excluded */
/*
 * Prints the table (without its header if @no_header), columns padded to
 * their widest cell and separated by one space, no trailing spaces.
 */
void table_print(const struct table *t, FILE *f, bool no_header);
void table_free(struct table *t);

#endif
