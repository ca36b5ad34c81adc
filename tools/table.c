// SPDX-License-Identifier: GPL-2.0
/* Text tables: a header of column names, then rows, columns aligned. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "util.h"

void table_init_cols(struct table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
}

void table_cell(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	va_end(ap);
	if (t->ncells == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->cells = xrealloc(t->cells, t->cap * sizeof(*t->cells));
	}
	t->cells[t->ncells++] = s;
}

size_t table_rows(const struct table *t)
{
	if (!t->ncols)
		return 0;
	return (t->ncells + t->ncols - 1) / t->ncols - 1;
}

void table_print(const struct table *t, FILE *f, bool no_header)
{
	size_t *w, i, c, first = no_header ? t->ncols : 0;

	if (!t->ncols)
		return;
	w = xcalloc(t->ncols, sizeof(*w));
	for (i = first; i < t->ncells; i++) {
		size_t l = strlen(t->cells[i]);

		if (l > w[i % t->ncols])
			w[i % t->ncols] = l;
	}
	for (i = first; i < t->ncells; i++) {
		c = i % t->ncols;
		if (c == t->ncols - 1 || i == t->ncells - 1)
			fprintf(f, "%s\n", t->cells[i]);
		else
			fprintf(f, "%-*s ", (int)w[c], t->cells[i]);
	}
	free(w);
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
