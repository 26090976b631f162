/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The deterministic byte streams of the built-in services, shared with
 * clients that check them (portgate-gen, tests):
 *   svc_chargen.c -> ptg_service_chargen_fill()   (RFC 864 pattern)
 *   http_proto.c  -> ptg_service_http_bytes_fill() (/bytes/N body)
 * Pure functions: no state, no engine.
 */
#include <string.h>

#include "ptg_service.h"

#define CHARGEN_LINE PTG_SERVICE_CHARGEN_LINE
#define CHARGEN_STRIDE (CHARGEN_LINE + 2u)  /* 72 characters, CR, LF */
#define CHARGEN_NB_CHARS 95u                /* printable ASCII 0x20..0x7e */

/*
 * RFC 864 "Data Syntax": number the 95 printing characters 0..94 in ASCII
 * order, as a ring; line N holds characters (N mod 95) .. (N + 71 mod 95)
 * and ends with CR LF. The stream repeats after 95 lines.
 */
void
ptg_service_chargen_fill(uint64_t pos, void *buf, size_t len)
{
	uint8_t *out = buf;
	uint32_t p = (uint32_t)(pos % PTG_SERVICE_CHARGEN_PERIOD);
	uint32_t line = p / CHARGEN_STRIDE;
	uint32_t col = p % CHARGEN_STRIDE;
	size_t i;

	for (i = 0; i < len; i++) {
		if (col < CHARGEN_LINE)
			out[i] = (uint8_t)(' ' + (line + col) % CHARGEN_NB_CHARS);
		else
			out[i] = col == CHARGEN_LINE ? '\r' : '\n';
		if (++col == CHARGEN_STRIDE) {
			col = 0;
			if (++line == CHARGEN_NB_CHARS)
				line = 0;
		}
	}
}

#define REC 16u /* 15 hex digits and '\n' */

static inline void
http_record(uint64_t r, uint8_t rec[REC])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 14; i >= 0; i--) {
		rec[i] = (uint8_t)hex[r & 0xf];
		r >>= 4;
	}
	rec[15] = '\n';
}

/* The record after @p rec: its offset grows by 16, i.e. hex digit 13 (the
 * last one is always '0') goes up by one, carrying leftwards. */
static inline void
http_record_next(uint8_t rec[REC])
{
	int i;

	for (i = 13; i >= 0; i--) {
		if (rec[i] == '9') {
			rec[i] = 'a';
			return;
		}
		if (rec[i] != 'f') {
			rec[i]++;
			return;
		}
		rec[i] = '0';
	}
}

void
ptg_service_http_bytes_fill(uint64_t off, void *buf, size_t len)
{
	uint8_t *out = buf;
	uint8_t rec[REC];
	uint64_t r = off & ~(uint64_t)(REC - 1);
	size_t skip = (size_t)(off - r), n;

	if (len == 0)
		return;
	http_record(r, rec);
	for (;;) {
		if (skip == 0 && len >= REC) {
			memcpy(out, rec, REC); /* the common case: one store */
			out += REC;
			len -= REC;
			if (len == 0)
				return;
			http_record_next(rec);
			continue;
		}
		n = REC - skip;
		if (n > len)
			n = len;
		memcpy(out, rec + skip, n);
		out += n;
		len -= n;
		if (len == 0)
			return;
		skip = 0;
		http_record_next(rec);
	}
}
