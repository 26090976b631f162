/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/port test kit: INI text in temporary files, expected "FILE:LINE:"
 * messages, long strings, and the source tree (for drivers-config/).
 *
 *   pt_file("...")           -> a temporary file holding the text
 *   ptg_port_*_load(path)    -> err = "PATH:LINE: why"
 *   pt_assert_err(err, path, line, "why") compares the whole message
 *   pt_file_free(path)       -> unlinked
 */
#ifndef PORT_TEST_H
#define PORT_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* Room for every message lib/port writes. */
#define PT_ERR_MAX 1024

/* A new temporary file holding @len bytes of @data; returns its path
 * (heap). Fails the test if it cannot be written. */
char *pt_file_bytes(const void *data, size_t len);

/* The same for a NUL-terminated text. */
char *pt_file(const char *text);

/* Unlink and free a pt_file() path. Accepts NULL. */
void pt_file_free(char *path);

/* A heap string of @n copies of @c. */
char *pt_repeat(char c, size_t n);

/* "@file:@line: " (line 0: "@file: ") followed by printf(@fmt), as
 * ptg_port_ini_errf() writes it, into @buf. */
void pt_msg(char *buf, size_t len, const char *file, unsigned int line,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Fail unless @err is exactly pt_msg(@file, @line, @fmt, ...). */
#define pt_assert_err(err, file, line, ...) do { \
		char pt_want_[PT_ERR_MAX]; \
		pt_msg(pt_want_, sizeof(pt_want_), (file), (line), \
		       __VA_ARGS__); \
		assert_string_equal((err), pt_want_); \
	} while (0)

/* The source tree (meson's project_source_root), for drivers-config/. */
const char *pt_source_root(void);

/* Read a whole file into a NUL-terminated heap buffer; fails the test if
 * it cannot. @len (may be NULL) receives the size. */
char *pt_read_file(const char *path, size_t *len);

#endif /* PORT_TEST_H */
