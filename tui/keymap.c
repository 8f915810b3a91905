/* keymap: see keymap.h. */
#include "tui/keymap.h"
#include "model/config.h"

#include <curses.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const struct action_info action_info[ACT_COUNT] = {[ACT_NONE] = {"none", "", "", NULL},
#define X(e, n, k, h, b) [ACT_##e] = {n, k, h, b},
						   ACTIONS(X)
#undef X
};

#define MAX_BINDINGS 160
struct binding {
	int key;
	enum action act;
};
static struct binding bindings[MAX_BINDINGS];
static int nbindings;

static const struct {
	const char *name;
	int key;
} named[] = {
    {"Enter", '\n'},
    {"Esc", 27},
    {"Escape", 27},
    {"Tab", '\t'},
    {"BTab", KEY_BTAB},
    {"Space", ' '},
    {"Up", KEY_UP},
    {"Down", KEY_DOWN},
    {"Left", KEY_LEFT},
    {"Right", KEY_RIGHT},
    {"Home", KEY_HOME},
    {"End", KEY_END},
    {"PgUp", KEY_PPAGE},
    {"PgDn", KEY_NPAGE},
    {"PageUp", KEY_PPAGE},
    {"PageDown", KEY_NPAGE},
    {"Backspace", KEY_BACKSPACE},
    {"Delete", KEY_DC},
    {"Insert", KEY_IC},
};

int key_parse(const char *s)
{
	if (!s || !*s)
		return -1;
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (!strcasecmp(named[i].name, s))
			return named[i].key;
	if ((s[0] == 'C' || s[0] == 'c') && s[1] == '-' && s[2] && !s[3]) {
		char c = s[2];
		if (c >= 'a' && c <= 'z')
			return c - 'a' + 1;
		if (c >= 'A' && c <= 'Z')
			return c - 'A' + 1;
		return -1;
	}
	if ((s[0] == 'F' || s[0] == 'f') && s[1] >= '1' && s[1] <= '9') {
		int n = atoi(s + 1);
		if (n >= 1 && n <= 12)
			return KEY_F(n);
	}
	if (!s[1] && (unsigned char)s[0] > ' ' && (unsigned char)s[0] < 127)
		return (unsigned char)s[0];
	return -1;
}

const char *keyname_of(int key, char *buf, size_t cap)
{
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (named[i].key == key) {
			snprintf(buf, cap, "%s", named[i].name);
			return buf;
		}
	if (key >= 1 && key <= 26)
		snprintf(buf, cap, "C-%c", 'a' + key - 1);
	else if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, cap, "F%d", key - KEY_F(0));
	else if (key > ' ' && key < 127)
		snprintf(buf, cap, "%c", key);
	else
		snprintf(buf, cap, "#%d", key);
	return buf;
}

static void unbind_action(enum action a)
{
	for (int i = 0; i < nbindings;)
		if (bindings[i].act == a)
			bindings[i] = bindings[--nbindings];
		else
			i++;
}

static bool bind_keys(enum action a, const char *keys, char *err, size_t errcap)
{
	char tmp[128];
	snprintf(tmp, sizeof tmp, "%s", keys);
	char *save = NULL;
	for (char *t = strtok_r(tmp, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
		int k = key_parse(t);
		if (k < 0) {
			snprintf(err, errcap, "[keys] %s: unknown key '%s'", action_info[a].name,
				 t);
			return false;
		}
		/* A key belongs to one action: the newest binding wins. */
		for (int i = 0; i < nbindings; i++)
			if (bindings[i].key == k) {
				bindings[i] = bindings[--nbindings];
				break;
			}
		if (nbindings < MAX_BINDINGS)
			bindings[nbindings++] = (struct binding){k, a};
	}
	return true;
}

enum action action_by_name(const char *name)
{
	for (int a = 1; a < ACT_COUNT; a++)
		if (!strcmp(action_info[a].name, name))
			return (enum action)a;
	return ACT_NONE;
}

bool keymap_init(const struct kv *ov, size_t n, char *err, size_t errcap)
{
	nbindings = 0;
	for (int a = 1; a < ACT_COUNT; a++)
		if (!bind_keys((enum action)a, action_info[a].keys, err, errcap))
			return false;
	for (size_t i = 0; i < n; i++) {
		enum action a = action_by_name(ov[i].key);
		if (a == ACT_NONE) {
			snprintf(err, errcap, "[keys] unknown action '%s'", ov[i].key);
			return false;
		}
		unbind_action(a);
		if (!bind_keys(a, ov[i].value, err, errcap))
			return false;
	}
	return true;
}

enum action keymap_lookup(int key)
{
	for (int i = 0; i < nbindings; i++)
		if (bindings[i].key == key)
			return bindings[i].act;
	return ACT_NONE;
}

const char *keymap_keys(enum action a, char *buf, size_t cap)
{
	buf[0] = '\0';
	size_t len = 0;
	/* In the order of the default text, then any others. */
	for (int i = 0; i < nbindings; i++) {
		if (bindings[i].act != a)
			continue;
		char k[16];
		keyname_of(bindings[i].key, k, sizeof k);
		int w = snprintf(buf + len, cap - len, "%s%s", len ? " " : "", k);
		if (w < 0 || (size_t)w >= cap - len)
			break;
		len += (size_t)w;
	}
	return buf;
}
