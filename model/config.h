/* config: config.ini (read with libinih) into profiles, key bindings and UI settings.
 *   [profile NAME]   vendor, base_url, credentials, environment, readonly, insecure, columns
 *   [keys]           ACTION = KEY [KEY...]   (the syntax the default key table is written in)
 *   [ui]             theme = NAME, mouse = yes|no
 *   [cache]          max_mb = N (cached organizations beyond it are evicted, oldest first)
 * Secrets: "api_key" (and every key a driver lists in secret_keys) may instead come from
 * NAME_env = VARIABLE or NAME_command = shell command; they are resolved at load time
 * into memory only. A config readable by group or others is refused (as ssh does).
 * Ownership: struct config owns everything in it; config_free() releases it. */
#ifndef ORGDECK_CONFIG_H
#define ORGDECK_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

struct vendor;

struct kv {
	char *key, *value;
};

struct profile {
	char *name;
	const struct vendor *vendor;
	char *base_url;	   /* without a trailing slash */
	char *environment; /* production | staging | sandbox | NULL */
	bool readonly;
	bool insecure; /* TLS verification off: only when the profile says so */
	struct kv *kv; /* every key of the section, plus runtime values (tokens) */
	size_t nkv;
};

struct config {
	char *path;
	struct profile *profiles;
	size_t nprofiles;
	struct kv *keys; /* [keys] overrides, in file order */
	size_t nkeys;
	char *theme;
	bool mouse;
	long cache_mb; /* [cache] max_mb: the database's size cap (0: 1024) */
};

/* Loads path into cfg. On failure returns false with a one-line message in err.
 * allow_insecure skips the permission check (--insecure-config). */
bool config_load(struct config *cfg, const char *path, bool allow_insecure, char *err,
		 size_t errcap);
void config_free(struct config *cfg);
/* Appends "[profile NAME]" with the given key = value lines to path, creating it (mode 0600,
 * parent directories 0700) when missing. Refuses a name already in the file, and values
 * holding a line break or a ';' comment start. */
bool config_append_profile(const char *path, const char *name, const struct kv *kv, size_t n,
			   char *err, size_t errcap);
struct profile *config_profile(struct config *cfg, const char *name);

const char *profile_get(const struct profile *p, const char *key);
void profile_set(struct profile *p, const char *key, const char *value);
/* Every secret value this profile holds (for redaction), NULL-terminated, borrowed. */
size_t profile_secrets(const struct profile *p, const char **out, size_t cap);

/* $XDG_CONFIG_HOME/orgdeck/config.ini (or ~/.config/...); caller frees. */
char *config_default_path(void);
/* $XDG_STATE_HOME/orgdeck/orgdeck.db (or ~/.local/state/...); caller frees. */
char *config_default_db_path(void);

#endif
