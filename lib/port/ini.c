/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * INI files with line numbers, for profiles and the app's --config.
 *
 * ptg_port_ini_load() / ptg_port_ini_parse()
 *   -> read_file() -> ini_scan()          line index + checks, our own pass
 *   -> rte_cfgfile_load_with_params()     the values
 *   -> ini_take_values()                  cross-check both views, copy values
 * ptg_port_ini_get() -> ptg_port_env_expand()   ${VAR}, ${VAR:-default}
 *
 * rte_cfgfile keeps no line numbers and silently skips or truncates some
 * malformed lines, so ini_scan() walks the text with the same rules
 * (comment character, stripping, fgets buffer size) and rejects what
 * rte_cfgfile would have dropped, recording the line of every section and
 * key. Values still come from rte_cfgfile.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_cfgfile.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_string_fns.h>

#include "port_priv.h"

#define INI_COMMENT ';'
/* Longest line content we accept: rte_cfgfile's fgets buffer keeps one
 * byte for '\n' and one for the NUL; stay one under to be safe. */
#define INI_LINE_MAX (INI_LINE_BUF - 4)
/* Files larger than this are not profiles. */
#define INI_FILE_MAX (1u << 20)
/* ${VAR:-${OTHER:-x}} nesting limit. */
#define EXPAND_DEPTH 8

int
ptg_port_ini_errf(const struct ptg_port_ini *ini, unsigned int line,
		  char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ptg_verrf_at(err, errlen, -EINVAL, ini->name, line, fmt, ap);
	va_end(ap);
	return rc;
}

/* Strip leading and trailing blanks of s[0..*len) in place: returns the
 * new start, updates *len. */
static const char *
strip(const char *s, size_t *len)
{
	size_t n = *len;

	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	*len = n;
	return s;
}

/* rte_cfgfile turns "\;" into ";" in values: the stored length shrinks. */
static size_t
unescaped_len(const char *v, size_t n)
{
	size_t i, out = 0;

	for (i = 0; i < n; i++) {
		if (v[i] == '\\' && i + 1 < n && v[i + 1] == INI_COMMENT)
			continue;
		out++;
	}
	return out;
}

int
ini_section_find(const struct ptg_port_ini *ini, const char *name)
{
	unsigned int i;

	for (i = 0; i < ini->nb_sections; i++)
		if (strcmp(ini->sections[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
add_section(struct ptg_port_ini *ini, const char *name, size_t n,
	    unsigned int line)
{
	struct ini_section *s;

	if ((ini->nb_sections & 7) == 0) {
		s = realloc(ini->sections,
			    (ini->nb_sections + 8) * sizeof(*s));
		if (s == NULL)
			return -ENOMEM;
		ini->sections = s;
	}
	s = &ini->sections[ini->nb_sections++];
	memcpy(s->name, name, n);
	s->name[n] = '\0';
	s->line = line;
	s->first = ini->nb_entries;
	s->count = 0;
	return 0;
}

static int
add_entry(struct ptg_port_ini *ini, const char *key, size_t n,
	  unsigned int line)
{
	struct ini_entry *e;

	if ((ini->nb_entries & 15) == 0) {
		e = realloc(ini->entries, (ini->nb_entries + 16) * sizeof(*e));
		if (e == NULL)
			return -ENOMEM;
		ini->entries = e;
	}
	e = &ini->entries[ini->nb_entries++];
	memcpy(e->key, key, n);
	e->key[n] = '\0';
	e->line = line;
	e->section = ini->nb_sections - 1;
	ini->sections[ini->nb_sections - 1].count++;
	return 0;
}

/* One line, without its '\n'. */
static int
scan_line(struct ptg_port_ini *ini, const char *s, size_t len,
	  unsigned int line, char *err, size_t errlen)
{
	const char *c, *body;
	size_t n;

	if (len > INI_LINE_MAX)
		return ptg_port_ini_errf(ini, line, err, errlen,
			"line longer than %d characters", INI_LINE_MAX);
	if (memchr(s, '\0', len) != NULL)
		return ptg_port_ini_errf(ini, line, err, errlen,
			"NUL byte in line (not a text file?)");

	/* Same comment rule as rte_cfgfile: the first ';' ends the line
	 * unless it is escaped as "\;". */
	c = memchr(s, INI_COMMENT, len);
	if (c != NULL && (c == s || c[-1] != '\\'))
		len = c - s;
	n = len;
	body = strip(s, &n);
	if (n == 0)
		return 0;

	if (body[0] == '#')
		return ptg_port_ini_errf(ini, line, err, errlen,
			"comments start with ';', not '#'");

	if (body[0] == '[') {
		const char *end = memchr(body, ']', n);
		const char *name;
		size_t nl, rest;

		if (end == NULL)
			return ptg_port_ini_errf(ini, line, err, errlen,
				"section header without ']'");
		rest = n - (end + 1 - body);
		if (rest > 0)
			return ptg_port_ini_errf(ini, line, err, errlen,
				"text after the section header's ']'");
		nl = end - body - 1;
		name = strip(body + 1, &nl);
		if (nl == 0)
			return ptg_port_ini_errf(ini, line, err, errlen,
				"empty section name");
		if (nl >= CFG_NAME_LEN)
			return ptg_port_ini_errf(ini, line, err, errlen,
				"section name longer than %d characters",
				CFG_NAME_LEN - 1);
		for (unsigned int i = 0; i < ini->nb_sections; i++) {
			if (strlen(ini->sections[i].name) == nl &&
			    memcmp(ini->sections[i].name, name, nl) == 0)
				return ptg_port_ini_errf(ini, line, err, errlen,
					"section [%.*s] already defined at line %u",
					(int)nl, name, ini->sections[i].line);
		}
		if (add_section(ini, name, nl, line) < 0)
			return -ENOMEM;
		return 0;
	}

	c = memchr(body, '=', n);
	if (c == NULL)
		return ptg_port_ini_errf(ini, line, err, errlen,
			"expected '[section]' or 'key = value', got '%.*s'",
			(int)RTE_MIN(n, (size_t)60), body);
	{
		size_t kl = c - body, vl = n - kl - 1;
		const char *key = strip(body, &kl);
		const char *val = strip(c + 1, &vl);

		if (kl == 0)
			return ptg_port_ini_errf(ini, line, err, errlen,
				"missing key before '='");
		if (kl >= CFG_NAME_LEN)
			return ptg_port_ini_errf(ini, line, err, errlen,
				"key longer than %d characters",
				CFG_NAME_LEN - 1);
		if (unescaped_len(val, vl) >= CFG_VALUE_LEN)
			return ptg_port_ini_errf(ini, line, err, errlen,
				"value of '%.*s' longer than %d characters",
				(int)kl, key, CFG_VALUE_LEN - 1);
		if (ini->nb_sections == 0)
			return ptg_port_ini_errf(ini, line, err, errlen,
				"'%.*s' outside any [section]", (int)kl, key);
		if (add_entry(ini, key, kl, line) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int
ini_scan(struct ptg_port_ini *ini, const char *text, size_t size,
	 char *err, size_t errlen)
{
	const char *p = text, *end = text + size;
	unsigned int line = 0;
	int rc;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t len = (nl != NULL ? nl : end) - p;

		line++;
		rc = scan_line(ini, p, len, line, err, errlen);
		if (rc < 0)
			return rc;
		p += len + 1;
	}
	return 0;
}

/* Copy the values out of rte_cfgfile, checking that it saw the same
 * sections and keys in the same order as ini_scan(). */
static int
ini_take_values(struct ptg_port_ini *ini, struct rte_cfgfile *cfg,
		struct ini_value *values, char *err, size_t errlen)
{
	struct rte_cfgfile_entry *ents = NULL;
	unsigned int i, j;
	int rc = 0, n;

	if (rte_cfgfile_num_sections(cfg, NULL, 0) != (int)ini->nb_sections)
		goto mismatch;
	for (i = 0; i < ini->nb_sections; i++) {
		const struct ini_section *s = &ini->sections[i];

		n = rte_cfgfile_section_num_entries(cfg, s->name);
		if (n != (int)s->count)
			goto mismatch;
		if (n == 0)
			continue;
		free(ents);
		ents = calloc(n, sizeof(*ents));
		if (ents == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		if (rte_cfgfile_section_entries(cfg, s->name, ents, n) != n)
			goto mismatch;
		for (j = 0; j < s->count; j++) {
			if (strcmp(ents[j].name,
				   ini->entries[s->first + j].key) != 0)
				goto mismatch;
			strlcpy(values[s->first + j].v, ents[j].value,
				sizeof(values[0].v));
		}
	}
	goto out;
mismatch:
	rc = ptg_port_ini_errf(ini, 0, err, errlen,
		"rte_cfgfile read the file differently from the line scan "
		"(was it modified while loading?)");
out:
	free(ents);
	return rc;
}

static char *
read_file(const char *path, size_t *size, char *err, size_t errlen)
{
	FILE *f;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int e;

	f = fopen(path, "r");
	if (f == NULL) {
		e = errno;
		ptg_errf(err, errlen, 0, "%s: cannot open: %s", path, strerror(e));
		rte_errno = e;
		return NULL;
	}
	for (;;) {
		size_t r;

		if (n == cap) {
			char *nb;

			/* Room for one doubling past the limit: a file of
			 * exactly INI_FILE_MAX bytes must reach EOF. */
			if (cap > INI_FILE_MAX)
				goto too_large;
			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap + 1);
			if (nb == NULL) {
				rte_errno = ENOMEM;
				ptg_errf(err, errlen, 0, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f)) {
				e = errno;
				ptg_errf(err, errlen, 0, "%s: read error: %s",
					path, strerror(e));
				rte_errno = e ? e : EIO;
				goto fail;
			}
			break;
		}
	}
	if (n > INI_FILE_MAX)
		goto too_large;
	fclose(f);
	if (buf == NULL) {
		buf = malloc(1);
		if (buf == NULL) {
			rte_errno = ENOMEM;
			return NULL;
		}
	}
	buf[n] = '\0';
	*size = n;
	return buf;
too_large:
	ptg_errf(err, errlen, 0, "%s: larger than %u bytes", path, INI_FILE_MAX);
	rte_errno = EINVAL;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* Scan @text (the content of @path), then have rte_cfgfile load @path. */
static struct ptg_port_ini *
ini_load_common(const char *name, const char *path, const char *text,
		size_t size, char *err, size_t errlen)
{
	static const struct rte_cfgfile_parameters params = {
		.comment_character = INI_COMMENT,
	};
	struct ptg_port_ini *ini;
	struct rte_cfgfile *cfg = NULL;
	int rc;

	ini = calloc(1, sizeof(*ini));
	if (ini == NULL) {
		rte_errno = ENOMEM;
		ptg_errf(err, errlen, 0, "%s: out of memory", name);
		return NULL;
	}
	strlcpy(ini->name, name, sizeof(ini->name));

	rc = ini_scan(ini, text, size, err, errlen);
	if (rc < 0)
		goto fail;

	cfg = rte_cfgfile_load_with_params(path, CFG_FLAG_EMPTY_VALUES,
					   &params);
	if (cfg == NULL) {
		rc = ptg_port_ini_errf(ini, 0, err, errlen,
			"rte_cfgfile could not load the file");
		goto fail;
	}
	ini->values = calloc(ini->nb_entries ? ini->nb_entries : 1,
			   sizeof(*ini->values));
	if (ini->values == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = ini_take_values(ini, cfg, ini->values, err, errlen);
	if (rc < 0)
		goto fail;
	rte_cfgfile_close(cfg);
	return ini;
fail:
	if (rc == -ENOMEM)
		ptg_errf(err, errlen, 0, "%s: out of memory", name);
	if (cfg != NULL)
		rte_cfgfile_close(cfg);
	ptg_port_ini_free(ini);
	rte_errno = -rc;
	return NULL;
}

struct ptg_port_ini *
ptg_port_ini_load(const char *path, char *err, size_t errlen)
{
	struct ptg_port_ini *ini;
	size_t size;
	char *text;

	if (path == NULL || *path == '\0') {
		ptg_errf(err, errlen, 0, "empty file name");
		rte_errno = EINVAL;
		return NULL;
	}
	text = read_file(path, &size, err, errlen);
	if (text == NULL)
		return NULL;
	ini = ini_load_common(path, path, text, size, err, errlen);
	free(text);
	return ini;
}

/* A file descriptor holding @text that rte_cfgfile can fopen() by name. */
static int
text_fd(const char *text, size_t size)
{
	size_t off = 0;
	int fd;

	fd = memfd_create("ptg-ini", MFD_CLOEXEC);
	if (fd < 0) {
		char tmpl[] = "/tmp/ptg-ini-XXXXXX";

		fd = mkstemp(tmpl);
		if (fd < 0)
			return -errno;
		unlink(tmpl);
	}
	while (off < size) {
		ssize_t w = write(fd, text + off, size - off);

		if (w < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			return -e;
		}
		off += (size_t)w;
	}
	return fd;
}

struct ptg_port_ini *
ptg_port_ini_parse(const char *name, const char *text, char *err,
		   size_t errlen)
{
	struct ptg_port_ini *ini;
	char path[64];
	size_t size;
	int fd;

	if (name == NULL || text == NULL) {
		ptg_errf(err, errlen, 0, "no INI text");
		rte_errno = EINVAL;
		return NULL;
	}
	size = strlen(text);
	fd = text_fd(text, size);
	if (fd < 0) {
		ptg_errf(err, errlen, 0, "%s: cannot stage the text: %s", name,
			strerror(-fd));
		rte_errno = -fd;
		return NULL;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ini = ini_load_common(name, path, text, size, err, errlen);
	close(fd);
	return ini;
}

void
ptg_port_ini_free(struct ptg_port_ini *ini)
{
	if (ini == NULL)
		return;
	free(ini->values);
	free(ini->sections);
	free(ini->entries);
	free(ini);
}

const char *
ptg_port_ini_name(const struct ptg_port_ini *ini)
{
	return ini->name;
}

int
ptg_port_ini_has_section(const struct ptg_port_ini *ini, const char *section)
{
	return ini_section_find(ini, section) >= 0;
}

unsigned int
ptg_port_ini_section_line(const struct ptg_port_ini *ini, const char *section)
{
	int s = ini_section_find(ini, section);

	return s < 0 ? 0 : ini->sections[s].line;
}

unsigned int
ptg_port_ini_count(const struct ptg_port_ini *ini, const char *section,
		   const char *key)
{
	int s = ini_section_find(ini, section);
	unsigned int i, n = 0;

	if (s < 0)
		return 0;
	for (i = 0; i < ini->sections[s].count; i++)
		if (strcmp(ini->entries[ini->sections[s].first + i].key,
			   key) == 0)
			n++;
	return n;
}

/* Known keys of @section in the schema, for the "unknown key" message. */
static void
known_keys(const struct ptg_port_ini_key *schema, size_t n,
	   const char *section, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		int w;

		if (section != NULL && strcmp(schema[i].section, section) != 0)
			continue;
		if (section == NULL) {
			size_t j;
			int seen = 0;

			for (j = 0; j < i; j++)
				if (strcmp(schema[j].section,
					   schema[i].section) == 0)
					seen = 1;
			if (seen)
				continue;
			w = snprintf(buf + off, len - off, "%s[%s]",
				     off ? ", " : "", schema[i].section);
		} else {
			w = snprintf(buf + off, len - off, "%s%s",
				     off ? ", " : "", schema[i].key);
		}
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

int
ptg_port_ini_check(const struct ptg_port_ini *ini,
		   const struct ptg_port_ini_key *schema, size_t n,
		   char *err, size_t errlen)
{
	char known[512];
	unsigned int i, j;
	size_t k;

	for (i = 0; i < ini->nb_sections; i++) {
		const struct ini_section *s = &ini->sections[i];
		int found = 0;

		for (k = 0; k < n && !found; k++)
			found = strcmp(schema[k].section, s->name) == 0;
		if (!found) {
			known_keys(schema, n, NULL, known, sizeof(known));
			return ptg_port_ini_errf(ini, s->line, err, errlen,
				"unknown section [%s] (known: %s)",
				s->name, known);
		}
		for (j = 0; j < s->count; j++) {
			const struct ini_entry *e = &ini->entries[s->first + j];
			const struct ptg_port_ini_key *def = NULL;
			unsigned int m;

			for (k = 0; k < n && def == NULL; k++)
				if (strcmp(schema[k].section, s->name) == 0 &&
				    strcmp(schema[k].key, e->key) == 0)
					def = &schema[k];
			if (def == NULL) {
				known_keys(schema, n, s->name, known,
					   sizeof(known));
				return ptg_port_ini_errf(ini, e->line, err,
					errlen,
					"unknown key '%s' in [%s] (known: %s)",
					e->key, s->name, known);
			}
			if (def->repeatable)
				continue;
			for (m = 0; m < j; m++) {
				const struct ini_entry *p =
					&ini->entries[s->first + m];

				if (strcmp(p->key, e->key) == 0)
					return ptg_port_ini_errf(ini, e->line,
						err, errlen,
						"duplicate key '%s' in [%s] "
						"(first at line %u)",
						e->key, s->name, p->line);
			}
		}
	}
	return 0;
}

/* ${...} expansion ------------------------------------------------- */

struct expand_out {
	char *buf;
	size_t len;
	size_t cap; /* room for characters, NUL excluded */
};

static int
out_put(struct expand_out *o, const char *s, size_t n)
{
	if (o->len + n > o->cap)
		return -ENAMETOOLONG;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
	return 0;
}

/* Index of the '}' closing the "${" at s[0..1], or -1. */
static ssize_t
closing_brace(const char *s, size_t n)
{
	size_t i, depth = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '$' && i + 1 < n && s[i + 1] == '{') {
			depth++;
			i++;
		} else if (s[i] == '}') {
			if (--depth == 0)
				return (ssize_t)i;
		}
	}
	return -1;
}

static int
expand(const char *s, size_t n, struct expand_out *o, int depth,
       char *why, size_t whylen)
{
	size_t i = 0;
	int rc;

	if (depth > EXPAND_DEPTH) {
		ptg_errf(why, whylen, 0, "${...} nested more than %d deep",
			EXPAND_DEPTH);
		return -EINVAL;
	}
	while (i < n) {
		const char *inner, *val;
		char name[128];
		size_t nl, il;
		ssize_t close;

		if (s[i] != '$' || i + 1 >= n || s[i + 1] != '{') {
			rc = out_put(o, &s[i], 1);
			if (rc < 0)
				goto too_long;
			i++;
			continue;
		}
		close = closing_brace(&s[i], n - i);
		if (close < 0) {
			ptg_errf(why, whylen, 0, "'${' without a closing '}'");
			return -EINVAL;
		}
		inner = &s[i + 2];
		il = (size_t)close - 2;
		for (nl = 0; nl < il; nl++) {
			char c = inner[nl];

			if (!(isalpha((unsigned char)c) || c == '_' ||
			      (nl > 0 && isdigit((unsigned char)c))))
				break;
		}
		if (nl == 0 || nl >= sizeof(name)) {
			ptg_errf(why, whylen, 0,
				"bad variable in '${%.*s}': expected ${NAME} "
				"or ${NAME:-default}", (int)il, inner);
			return -EINVAL;
		}
		memcpy(name, inner, nl);
		name[nl] = '\0';
		val = getenv(name);
		if (nl == il) {
			if (val == NULL) {
				ptg_errf(why, whylen, 0,
					"environment variable %s is not set "
					"(give a default: ${%s:-value})",
					name, name);
				return -EINVAL;
			}
			rc = out_put(o, val, strlen(val));
		} else if (il - nl >= 2 && inner[nl] == ':' &&
			   inner[nl + 1] == '-') {
			if (val != NULL && *val != '\0')
				rc = out_put(o, val, strlen(val));
			else
				rc = expand(&inner[nl + 2], il - nl - 2, o,
					    depth + 1, why, whylen);
			if (rc == -EINVAL)
				return rc;
		} else {
			ptg_errf(why, whylen, 0,
				"bad '${%.*s}': expected ${NAME} or "
				"${NAME:-default}", (int)il, inner);
			return -EINVAL;
		}
		if (rc < 0)
			goto too_long;
		i += (size_t)close + 1;
	}
	return 0;
too_long:
	ptg_errf(why, whylen, 0, "longer than %zu characters after expansion",
		o->cap);
	return -ENAMETOOLONG;
}

int
ptg_port_env_expand(const char *in, char *out, size_t outlen, char *why,
		    size_t whylen)
{
	struct expand_out o = { .buf = out, .len = 0, .cap = outlen - 1 };

	if (in == NULL || out == NULL || outlen == 0)
		return -EINVAL;
	out[0] = '\0';
	return expand(in, strlen(in), &o, 0, why, whylen);
}

int
ptg_port_ini_get(const struct ptg_port_ini *ini, const char *section,
		 const char *key, unsigned int idx, char *buf, size_t len,
		 unsigned int *line, char *err, size_t errlen)
{
	const struct ini_section *s;
	unsigned int i, seen = 0;
	char why[256];
	int si, rc;

	si = ini_section_find(ini, section);
	if (si < 0)
		return -ENOENT;
	s = &ini->sections[si];
	for (i = 0; i < s->count; i++) {
		const struct ini_entry *e = &ini->entries[s->first + i];

		if (strcmp(e->key, key) != 0 || seen++ != idx)
			continue;
		if (line != NULL)
			*line = e->line;
		rc = ptg_port_env_expand(ini->values[s->first + i].v,
					 buf, len, why, sizeof(why));
		if (rc < 0) {
			ptg_port_ini_errf(ini, e->line, err, errlen,
					  "%s: %s", key, why);
			return rc;
		}
		return 0;
	}
	return -ENOENT;
}

/* Parse a whole string as an unsigned number: decimal, or 0x hex. */
static int
parse_u64(const char *s, uint64_t *val)
{
	unsigned long long v;
	char *end;
	int base = 10;

	if (*s == '\0' || !isdigit((unsigned char)*s))
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!isxdigit((unsigned char)*s))
			return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*val = v;
	return 0;
}

int
ptg_port_ini_get_uint(const struct ptg_port_ini *ini, const char *section,
		      const char *key, uint64_t min, uint64_t max,
		      uint64_t *val, char *err, size_t errlen)
{
	char buf[PTG_PORT_INI_VALUE_MAX];
	unsigned int line = 0;
	uint64_t v;
	int rc;

	rc = ptg_port_ini_get(ini, section, key, 0, buf, sizeof(buf), &line,
			      err, errlen);
	if (rc < 0)
		return rc == -ENOENT ? rc : -EINVAL;
	if (parse_u64(buf, &v) < 0 || v < min || v > max)
		return ptg_port_ini_errf(ini, line, err, errlen,
			"%s: '%s' is not a number in %" PRIu64 "..%" PRIu64,
			key, buf, min, max);
	*val = v;
	return 0;
}

int
ptg_port_ini_get_bool(const struct ptg_port_ini *ini, const char *section,
		      const char *key, int *val, char *err, size_t errlen)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };
	char buf[PTG_PORT_INI_VALUE_MAX];
	unsigned int line = 0, i;
	int rc;

	rc = ptg_port_ini_get(ini, section, key, 0, buf, sizeof(buf), &line,
			      err, errlen);
	if (rc < 0)
		return rc == -ENOENT ? rc : -EINVAL;
	for (i = 0; i < RTE_DIM(yes); i++) {
		if (strcasecmp(buf, yes[i]) == 0) {
			*val = 1;
			return 0;
		}
		if (strcasecmp(buf, no[i]) == 0) {
			*val = 0;
			return 0;
		}
	}
	return ptg_port_ini_errf(ini, line, err, errlen,
		"%s: '%s' is not a boolean (yes/no, on/off, true/false, 1/0)",
		key, buf);
}
