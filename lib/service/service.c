/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The registry of service kinds and the port -> service table.
 *
 * Control path only, on the main lcore before workers start:
 *   --plugin FILE -> ptg_service_plugin_load() -> dlopen(), dlsym()
 *                 -> ptg_plugin_service() -> ptg_service_register()
 *   app option parsing -> ptg_service_bind_spec() -> ptg_service_bind()
 *     -> ptg_service_find() -> registry_init() (built-ins, once)
 *   worker start -> ptg_service_next() / ptg_service_binding() -> ops->init()
 * Nothing here is locked; the table is read-only once workers run.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "ptg_base.h"
#include "proxy_priv.h"
#include "ptg_service.h"
#include "service_priv.h"

RTE_LOG_REGISTER(ptg_service_logtype, ptg.service, INFO);

#define REGISTRY_MAX 32
#define NAME_MAX_LEN 31
#define NB_PORTS 65536

static const struct ptg_service_ops *registry[REGISTRY_MAX];
static unsigned int registry_len;
static int registry_ready;

static struct ptg_service_binding table[NB_PORTS];
static unsigned int table_count;
static char bind_error[160]; /* why the last bind refused its ARGS */

static int
registry_add(const struct ptg_service_ops *ops)
{
	unsigned int i;
	size_t n;
	int rc;

	if (ops == NULL)
		return -EINVAL;
	if (ops->size != PTG_SERVICE_OPS_SIZE)
		return -EPROTO;
	rc = ptg_conn_ops_check(&ops->conn);
	if (rc != 0)
		return rc;
	if (ops->name == NULL || ops->init == NULL || ops->conn.on_data == NULL)
		return -EINVAL;
	n = strlen(ops->name);
	if (n == 0 || n > NAME_MAX_LEN || strchr(ops->name, ':') != NULL)
		return -EINVAL;
	for (i = 0; i < registry_len; i++)
		if (strcmp(registry[i]->name, ops->name) == 0)
			return -EEXIST;
	if (registry_len == REGISTRY_MAX)
		return -ENOSPC;
	registry[registry_len++] = ops;
	return 0;
}

static void
registry_init(void)
{
	if (registry_ready)
		return;
	registry_ready = 1;
	/* the registry is empty here, so these cannot fail */
	registry_add(&ptg_service_echo);
	registry_add(&ptg_service_discard);
	registry_add(&ptg_service_chargen);
	registry_add(&ptg_service_http);
	registry_add(&ptg_service_proxy);
}

int
ptg_service_register(const struct ptg_service_ops *ops)
{
	int rc;

	registry_init();
	rc = registry_add(ops);
	if (rc == 0)
		SVC_LOG(DEBUG, "service '%s' registered", ops->name);
	return rc;
}

typedef const struct ptg_service_ops *(*plugin_fn)(void);

int
ptg_service_plugin_load(const char *path, char *err, size_t errlen)
{
	const struct ptg_service_ops *ops;
	union {
		void *sym;
		plugin_fn fn;
	} u;
	char local[PATH_MAX];
	void *h;
	int rc;

	if (path == NULL || *path == '\0')
		return ptg_errf(err, errlen, -EINVAL, "no plugin file given");
	/* A bare name would be searched in the library path: "x.so" means
	 * the file here. */
	if (strchr(path, '/') == NULL &&
	    (size_t)snprintf(local, sizeof(local), "./%s", path) <
	    sizeof(local))
		path = local;
	/* RTLD_NOW: an unresolved symbol fails here, not mid-connection. */
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		const char *why = dlerror();

		return ptg_errf(err, errlen, -ENOENT, "%s: cannot load: %s",
				path, why ? why : "unknown error");
	}
	dlerror();
	u.sym = dlsym(h, PTG_PLUGIN_SYMBOL);
	if (u.sym == NULL) {
		dlclose(h);
		return ptg_errf(err, errlen, -ENOEXEC, "%s: no symbol %s: a "
				"portgate plugin defines const struct "
				"ptg_service_ops *%s(void) (ptg_service.h)",
				path, PTG_PLUGIN_SYMBOL, PTG_PLUGIN_SYMBOL);
	}
	ops = u.fn();
	if (ops == NULL) {
		dlclose(h);
		return ptg_errf(err, errlen, -ENOEXEC, "%s: %s() returned no "
				"service", path, PTG_PLUGIN_SYMBOL);
	}
	rc = ptg_service_register(ops);
	if (rc != 0) {
		/* Read what is needed for the message before unloading. */
		if (rc == -EPROTO && ops->size != PTG_SERVICE_OPS_SIZE)
			ptg_errf(err, errlen, rc, "%s: service ops of %u "
				 "bytes, this portgate's are %u: built "
				 "against other portgate headers (rebuild it "
				 "with this version's)", path, ops->size,
				 PTG_SERVICE_OPS_SIZE);
		else if (rc == -EPROTO)
			ptg_errf(err, errlen, rc, "%s: connection ops of %u "
				 "bytes, this portgate's are %u: built "
				 "against other portgate headers (rebuild it "
				 "with this version's)", path, ops->conn.size,
				 PTG_CONN_OPS_SIZE);
		else if (rc == -EEXIST)
			ptg_errf(err, errlen, rc, "%s: a service named '%s' "
				 "is registered already", path, ops->name);
		else if (rc == -ENOSPC)
			ptg_errf(err, errlen, rc, "%s: the service registry "
				 "is full (%d kinds)", path, REGISTRY_MAX);
		else
			ptg_errf(err, errlen, rc, "%s: incomplete service "
				 "ops: a name (1..%d characters, no ':'), init, "
				 "conn.on_data and conn.on_close are required",
				 path, NAME_MAX_LEN);
		dlclose(h);
		return rc;
	}
	SVC_LOG(INFO, "service '%s' loaded from %s", ops->name, path);
	return 0;
}

const struct ptg_service_ops *
ptg_service_find(const char *name)
{
	unsigned int i;

	if (name == NULL)
		return NULL;
	registry_init();
	for (i = 0; i < registry_len; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

/* ARGS of the built-ins are checked at bind time, without making anything,
 * so that a bad --service fails before workers start. */
static int
check_args(const struct ptg_service_ops *ops, const char *args)
{
	struct ptg_proxy_config pcfg;
	struct ptg_service_keepalive ka;
	struct ptg_http_config cfg;

	if (ops == &ptg_service_proxy)
		return ptg_proxy_parse_args(args, &pcfg, bind_error,
					    sizeof(bind_error));
	if (ops == &ptg_service_http)
		return ptg_http_parse_args(args, &cfg);
	if (ops == &ptg_service_echo || ops == &ptg_service_discard ||
	    ops == &ptg_service_chargen)
		return ptg_service_common_args(args, &ka);
	return 0; /* a registered kind checks its ARGS in its init */
}

int
ptg_service_bind(uint16_t port, const char *name, const char *args)
{
	const struct ptg_service_ops *ops;
	char *copy = NULL;
	int rc;

	bind_error[0] = '\0';
	if (port == 0 || name == NULL)
		return -EINVAL;
	ops = ptg_service_find(name);
	if (ops == NULL)
		return -ENOENT;
	if (table[port].ops != NULL)
		return -EEXIST;
	rc = check_args(ops, args);
	if (rc < 0)
		return rc;
	if (args != NULL) {
		copy = strdup(args);
		if (copy == NULL)
			return -ENOMEM;
	}
	table[port].ops = ops;
	table[port].args = copy;
	table_count++;
	return 0;
}

/* PORT: 1..65535, decimal digits only, no sign, no leading zero. */
static int
parse_port(const char *s, size_t len, uint16_t *port)
{
	uint32_t v = 0;
	size_t i;

	if (len == 0 || len > 5 || s[0] == '0')
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

const char *
ptg_service_bind_error(void)
{
	return bind_error;
}

int
ptg_service_bind_spec(const char *spec)
{
	char name[NAME_MAX_LEN + 1];
	const char *c1, *c2, *args = NULL;
	size_t nlen;
	uint16_t port;

	bind_error[0] = '\0';
	if (spec == NULL)
		return -EINVAL;
	c1 = strchr(spec, ':');
	if (c1 == NULL || parse_port(spec, (size_t)(c1 - spec), &port) < 0)
		return -EINVAL;
	c2 = strchr(c1 + 1, ':');
	nlen = c2 != NULL ? (size_t)(c2 - (c1 + 1)) : strlen(c1 + 1);
	if (nlen == 0 || nlen > NAME_MAX_LEN)
		return -EINVAL;
	memcpy(name, c1 + 1, nlen);
	name[nlen] = '\0';
	if (c2 != NULL) {
		args = c2 + 1;
		if (*args == '\0')
			return -EINVAL; /* "PORT:NAME:" */
	}
	return ptg_service_bind(port, name, args);
}

int
ptg_service_bind_defaults(void)
{
	static const struct {
		uint16_t port;
		const char *name;
	} defaults[] = {
		{ 7, "echo" }, { 9, "discard" }, { 19, "chargen" }, { 80, "http" },
	};
	unsigned int i;
	int rc;

	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		rc = ptg_service_bind(defaults[i].port, defaults[i].name, NULL);
		if (rc < 0)
			return rc;
	}
	return 0;
}

const struct ptg_service_binding *
ptg_service_binding(uint16_t port)
{
	return &table[port];
}

unsigned int
ptg_service_count(void)
{
	return table_count;
}

int
ptg_service_next(int after)
{
	int p;

	if (after < 0)
		after = 0;
	for (p = after + 1; p < NB_PORTS; p++)
		if (table[p].ops != NULL)
			return p;
	return -1;
}

void
ptg_service_unbind_all(void)
{
	unsigned int p;

	for (p = 0; p < NB_PORTS; p++) {
		free(table[p].args);
		table[p].args = NULL;
		table[p].ops = NULL;
	}
	table_count = 0;
}

/* ---- ARGS common to the built-ins ----------------------------------------- */

void
ptg_service_keepalive_init(struct ptg_service_keepalive *ka)
{
	ka->idle_ms = 0;
	ka->intvl_ms = 0;
	ka->probes = 0;
}

int
ptg_service_parse_u64(const char *s, size_t len, uint64_t min, uint64_t max,
		      uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 19)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
key_is(const char *key, size_t klen, const char *name)
{
	return strlen(name) == klen && memcmp(key, name, klen) == 0;
}

int
ptg_service_common_item(const char *key, size_t klen, const char *val,
			size_t vlen, struct ptg_service_keepalive *ka)
{
	uint64_t v;

	if (!key_is(key, klen, "tcp_keepalive") &&
	    !key_is(key, klen, "tcp_keepintvl") &&
	    !key_is(key, klen, "tcp_keepcnt"))
		return -ENOENT;
	if (key_is(key, klen, "tcp_keepcnt")) {
		if (ptg_service_parse_u64(val, vlen, 1, PTG_SERVICE_KEEPCNT_MAX, &v) < 0)
			return -EINVAL;
		ka->probes = (uint32_t)v;
		return 0;
	}
	if (ptg_service_parse_u64(val, vlen, 1, PTG_SERVICE_KEEP_MS_MAX, &v) < 0)
		return -EINVAL;
	if (key_is(key, klen, "tcp_keepalive"))
		ka->idle_ms = v;
	else
		ka->intvl_ms = v;
	return 0;
}

int
ptg_service_common_done(const struct ptg_service_keepalive *ka)
{
	if (ka->idle_ms == 0 && (ka->intvl_ms != 0 || ka->probes != 0))
		return -EINVAL;
	return 0;
}

int
ptg_service_args_each(const char *args, ptg_service_arg_fn fn, void *arg)
{
	const char *p = args, *end, *eq;
	int rc;

	for (;;) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL)
			return -EINVAL; /* also the empty item */
		rc = fn(arg, p, (size_t)(eq - p), eq + 1,
			(size_t)(end - eq - 1));
		if (rc < 0)
			return rc;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

static int
common_arg(void *ka, const char *key, size_t klen, const char *val,
	   size_t vlen)
{
	int rc = ptg_service_common_item(key, klen, val, vlen, ka);

	return rc == -ENOENT ? -EINVAL : rc;
}

int
ptg_service_common_args(const char *args, struct ptg_service_keepalive *ka)
{
	int rc;

	ptg_service_keepalive_init(ka);
	if (args == NULL)
		return 0;
	rc = ptg_service_args_each(args, common_arg, ka);
	return rc < 0 ? rc : ptg_service_common_done(ka);
}

void
ptg_service_keepalive_apply(struct ptg_conn *c,
			    const struct ptg_service_keepalive *ka)
{
	if (ka->idle_ms == 0)
		return;
	(void)ptg_conn_set_keepalive(c, ka->idle_ms * 1000000ull,
		(ka->intvl_ms ? ka->intvl_ms :
		 PTG_SERVICE_KEEPINTVL_DEFAULT) * 1000000ull,
		ka->probes ? ka->probes : PTG_SERVICE_KEEPCNT_DEFAULT);
}
