/* config: see config.h. */
#include "model/config.h"
#include "model/vendor.h"
#include "net/buf.h"
#include "net/xalloc.h"

#include <ini.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* model/vendors/questionpro.c: the API root of a QuestionPro datacenter (caller frees), NULL
 * for a name it does not know. Not in vendor.h: no other driver has datacenters. */
char *questionpro_datacenter_url(const char *dc);

struct parse_state {
	struct config *cfg;
	char *err;
	size_t errcap;
	bool failed;
};

static void kv_set(struct kv **arr, size_t *n, const char *key, const char *value)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*arr)[i].key, key)) {
			free((*arr)[i].value);
			(*arr)[i].value = xstrdup(value);
			return;
		}
	*arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
	(*arr)[*n].key = xstrdup(key);
	(*arr)[*n].value = xstrdup(value);
	(*n)++;
}

static bool truthy(const char *v)
{
	return !strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") ||
	       !strcasecmp(v, "on");
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *st = user;
	struct config *cfg = st->cfg;
	if (!strncmp(section, "profile ", 8)) {
		const char *pname = section + 8;
		while (*pname == ' ')
			pname++;
		struct profile *p = config_profile(cfg, pname);
		if (!p) {
			cfg->profiles = xrealloc(cfg->profiles, (cfg->nprofiles + 1) * sizeof *p);
			p = &cfg->profiles[cfg->nprofiles++];
			memset(p, 0, sizeof *p);
			p->name = xstrdup(pname);
		}
		kv_set(&p->kv, &p->nkv, name, value);
		if (!strcmp(name, "vendor")) {
			p->vendor = vendor_find(value);
			if (!p->vendor) {
				snprintf(st->err, st->errcap,
					 "%s: profile %s: unknown vendor '%s' (known: quorum, "
					 "questionpro, highq, kaana, clinchpad)",
					 cfg->path, pname, value);
				st->failed = true;
				return 0;
			}
		} else if (!strcmp(name, "base_url")) {
			free(p->base_url);
			p->base_url = xstrdup(value);
			size_t n = strlen(p->base_url);
			while (n && p->base_url[n - 1] == '/')
				p->base_url[--n] = '\0';
		} else if (!strcmp(name, "environment")) {
			free(p->environment);
			p->environment = xstrdup(value);
		} else if (!strcmp(name, "readonly")) {
			p->readonly = truthy(value);
		} else if (!strcmp(name, "insecure")) {
			p->insecure = truthy(value);
		}
	} else if (!strcmp(section, "keys")) {
		cfg->keys = xrealloc(cfg->keys, (cfg->nkeys + 1) * sizeof *cfg->keys);
		cfg->keys[cfg->nkeys].key = xstrdup(name);
		cfg->keys[cfg->nkeys].value = xstrdup(value);
		cfg->nkeys++;
	} else if (!strcmp(section, "cache")) {
		if (!strcmp(name, "max_mb"))
			cfg->cache_mb = atol(value);
	} else if (!strcmp(section, "ui")) {
		if (!strcmp(name, "theme")) {
			free(cfg->theme);
			cfg->theme = xstrdup(value);
		} else if (!strcmp(name, "mouse")) {
			cfg->mouse = truthy(value);
		}
	}
	return 1;
}

/* Runs a secret command (e.g. `pass show vendor/key`): the first line of its output. */
static char *run_secret_command(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b);
	char chunk[256];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < 65536)
		buf_add(&b, chunk, n);
	int st = pclose(f);
	char *s = buf_steal(&b);
	s[strcspn(s, "\r\n")] = '\0';
	if (st != 0 || !s[0]) {
		free(s);
		return NULL;
	}
	return s;
}

static bool resolve_secrets(struct config *cfg, struct profile *p, char *err, size_t errcap)
{
	static const char *const generic[] = {"api_key",  "client_secret", "session_cookie",
					      "password", "refresh_token", NULL};
	const char *const *keys =
	    p->vendor && p->vendor->secret_keys ? p->vendor->secret_keys : generic;
	for (int i = 0; keys[i]; i++) {
		char name[64];
		snprintf(name, sizeof name, "%s_env", keys[i]);
		const char *env = profile_get(p, name);
		if (env) {
			const char *v = getenv(env);
			if (!v || !*v) {
				snprintf(err, errcap,
					 "%s: profile %s: %s names $%s, which is not set",
					 cfg->path, p->name, name, env);
				return false;
			}
			profile_set(p, keys[i], v);
			continue;
		}
		snprintf(name, sizeof name, "%s_command", keys[i]);
		const char *cmd = profile_get(p, name);
		if (cmd) {
			char *v = run_secret_command(cmd);
			if (!v) {
				snprintf(err, errcap,
					 "%s: profile %s: %s failed or printed nothing", cfg->path,
					 p->name, name);
				return false;
			}
			profile_set(p, keys[i], v);
			free(v);
		}
	}
	return true;
}

bool config_load(struct config *cfg, const char *path, bool allow_insecure, char *err,
		 size_t errcap)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->path = xstrdup(path);
	struct stat sb;
	if (stat(path, &sb) != 0) {
		snprintf(err, errcap, "%s: no such file", path);
		return false;
	}
	if (!allow_insecure && (sb.st_mode & 077)) {
		snprintf(
		    err, errcap,
		    "%s is readable by others and may hold API keys; fix it with: chmod 600 %s "
		    "(or run with --insecure-config)",
		    path, path);
		return false;
	}
	struct parse_state st = {cfg, err, errcap, false};
	int r = ini_parse(path, on_entry, &st);
	if (st.failed)
		return false;
	if (r != 0) {
		if (r > 0)
			snprintf(err, errcap, "%s:%d: cannot read this line", path, r);
		else
			snprintf(err, errcap, "%s: cannot be read", path);
		return false;
	}
	for (size_t i = 0; i < cfg->nprofiles; i++) {
		struct profile *p = &cfg->profiles[i];
		if (!p->vendor) {
			snprintf(err, errcap, "%s: profile %s has no vendor = line", path, p->name);
			return false;
		}
		const char *dc = profile_get(p, "datacenter");
		if (!p->base_url && dc && !strcmp(p->vendor->name, "questionpro")) {
			/* A real QuestionPro account names its datacenter instead of a URL. */
			p->base_url = questionpro_datacenter_url(dc);
			if (!p->base_url) {
				snprintf(
				    err, errcap,
				    "%s: profile %s: unknown datacenter '%s' (known: com, eu, ca, "
				    "sg, au, ae, sa, ksa)",
				    path, p->name, dc);
				return false;
			}
		}
		if (!p->base_url) {
			snprintf(err, errcap, "%s: profile %s has no base_url%s", path, p->name,
				 strcmp(p->vendor->name, "questionpro") ? "" : " (or datacenter)");
			return false;
		}
		if (!resolve_secrets(cfg, p, err, errcap))
			return false;
	}
	return true;
}

void config_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->nprofiles; i++) {
		struct profile *p = &cfg->profiles[i];
		free(p->name);
		free(p->base_url);
		free(p->environment);
		for (size_t k = 0; k < p->nkv; k++) {
			/* Secrets are wiped before their memory goes back to the allocator. */
			memset(p->kv[k].value, 0, strlen(p->kv[k].value));
			free(p->kv[k].key);
			free(p->kv[k].value);
		}
		free(p->kv);
	}
	free(cfg->profiles);
	for (size_t i = 0; i < cfg->nkeys; i++) {
		free(cfg->keys[i].key);
		free(cfg->keys[i].value);
	}
	free(cfg->keys);
	free(cfg->theme);
	free(cfg->path);
	memset(cfg, 0, sizeof *cfg);
}

struct profile *config_profile(struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nprofiles; i++)
		if (!strcmp(cfg->profiles[i].name, name))
			return &cfg->profiles[i];
	return NULL;
}

const char *profile_get(const struct profile *p, const char *key)
{
	for (size_t i = 0; i < p->nkv; i++)
		if (!strcmp(p->kv[i].key, key))
			return p->kv[i].value;
	return NULL;
}

void profile_set(struct profile *p, const char *key, const char *value)
{
	kv_set(&p->kv, &p->nkv, key, value);
}

size_t profile_secrets(const struct profile *p, const char **out, size_t cap)
{
	static const char *const generic[] = {"api_key",  "client_secret", "session_cookie",
					      "password", "access_token",  "refresh_token",
					      NULL};
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		const char *const *keys =
		    pass == 0
			? generic
			: (p->vendor && p->vendor->secret_keys ? p->vendor->secret_keys : NULL);
		for (int i = 0; keys && keys[i] && n + 1 < cap; i++) {
			const char *v = profile_get(p, keys[i]);
			if (v && strlen(v) >= 4)
				out[n++] = v;
		}
	}
	out[n] = NULL;
	return n;
}

static char *xdg_path(const char *env, const char *fallback, const char *leaf)
{
	const char *base = getenv(env);
	if (base && *base)
		return xasprintf("%s/orgdeck/%s", base, leaf);
	const char *home = getenv("HOME");
	return xasprintf("%s/%s/orgdeck/%s", home && *home ? home : ".", fallback, leaf);
}

char *config_default_path(void)
{
	return xdg_path("XDG_CONFIG_HOME", ".config", "config.ini");
}

char *config_default_db_path(void)
{
	return xdg_path("XDG_STATE_HOME", ".local/state", "orgdeck.db");
}

bool config_append_profile(const char *path, const char *name, const struct kv *kv, size_t n,
			   char *err, size_t errcap)
{
	for (size_t i = 0; i <= n; i++) {
		const char *v = i < n ? kv[i].value : name;
		if (!v || !v[0] || strpbrk(v, "\r\n;[]") ||
		    (i < n && strpbrk(kv[i].key, "\r\n=;"))) {
			snprintf(err, errcap, "%s: empty, or holds a line break, ';' or brackets",
				 i < n ? kv[i].key : "profile name");
			return false;
		}
	}
	struct config cur;
	char e2[256];
	if (access(path, F_OK) == 0 && config_load(&cur, path, true, e2, sizeof e2)) {
		bool dup = config_profile(&cur, name) != NULL;
		config_free(&cur);
		if (dup) {
			snprintf(err, errcap, "%s already has a profile named %s", path, name);
			return false;
		}
	}
	char *dir = xstrdup(path);
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0700);
			*p = '/';
		}
	free(dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errcap, "cannot write %s: %s", path, strerror(errno));
		return false;
	}
	fchmod(fd, 0600);
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "\n[profile %s]\n", name);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s = %s\n", kv[i].key, kv[i].value);
	bool ok = write(fd, b.data, b.len) == (ssize_t)b.len && fsync(fd) == 0;
	memset(b.data, 0, b.len); /* it may hold a key */
	buf_free(&b);
	close(fd);
	if (!ok)
		snprintf(err, errcap, "cannot write %s: %s", path, strerror(errno));
	return ok;
}
