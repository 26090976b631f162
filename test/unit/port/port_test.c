/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/port test kit (see port_test.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "port_test.h"

#ifndef PTG_SOURCE_ROOT
#error "PTG_SOURCE_ROOT must name the source tree (test/unit/meson.build)"
#endif

char *
pt_file_bytes(const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	size_t off = 0;
	char *path;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	assert_true(asprintf(&path, "%s/ptg-port-test-XXXXXX", dir) > 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	while (off < len) {
		ssize_t w = write(fd, (const char *)data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		assert_true(w > 0);
		off += (size_t)w;
	}
	assert_int_equal(close(fd), 0);
	return path;
}

char *
pt_file(const char *text)
{
	return pt_file_bytes(text, strlen(text));
}

void
pt_file_free(char *path)
{
	if (path == NULL)
		return;
	unlink(path);
	free(path);
}

char *
pt_repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

void
pt_msg(char *buf, size_t len, const char *file, unsigned int line,
       const char *fmt, ...)
{
	va_list ap;
	int n;

	if (line > 0)
		n = snprintf(buf, len, "%s:%u: ", file, line);
	else
		n = snprintf(buf, len, "%s: ", file);
	assert_true(n > 0 && (size_t)n < len);
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

const char *
pt_source_root(void)
{
	return PTG_SOURCE_ROOT;
}

char *
pt_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)size;
	return buf;
}
