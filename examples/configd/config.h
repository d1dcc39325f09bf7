/* SPDX-License-Identifier: MIT */
/*
 * configd's configuration: an INI-like text format parsed into an immutable
 * struct config. The format and its limits are documented in configd(8)
 * (configd.8); the limits below are the ones enforced.
 *
 * Nothing here knows about RCU: a struct config is built privately by
 * config_parse(), never changed after it returns, and freed by config_free().
 * That is what lets the daemon publish it through an rcuslot slot.
 */
#ifndef CONFIGD_CONFIG_H
#define CONFIGD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_FILE 1048576	/* bytes in the whole file (1 MiB) */
#define CONFIG_MAX_LINE 4096		/* bytes in one line, without its end */
#define CONFIG_MAX_NAME 64		/* bytes in a section name or a key */
#define CONFIG_MAX_STRING 1024		/* bytes in a string, once unescaped */
#define CONFIG_MAX_SECTIONS 256
#define CONFIG_MAX_KEYS 4096		/* keys in the whole file */

/* [configd] client_timeout_ms: the daemon's own setting, reloadable. */
#define CONFIG_TIMEOUT_DEFAULT_MS 5000
#define CONFIG_TIMEOUT_MIN_MS 10
#define CONFIG_TIMEOUT_MAX_MS 600000

enum config_type {
	CONFIG_INT,
	CONFIG_BOOL,
	CONFIG_STRING,
};

struct config_entry {
	const char *section;	/* NUL-terminated, shared by its section's keys */
	const char *key;	/* NUL-terminated */
	size_t section_len;
	size_t key_len;
	enum config_type type;
	int64_t num;		/* CONFIG_INT's value; CONFIG_BOOL's 0 or 1 */
	const char *str;	/* CONFIG_STRING's value, NUL-terminated */
	size_t str_len;
	unsigned line;		/* where the key was set */
};

struct config {
	uint64_t generation;	/* set by whoever publishes it */
	int client_timeout_ms;	/* [configd] client_timeout_ms, or the default */
	size_t n_entries;
	struct config_entry *entries;	/* in file order */
	/* private: lookup table (indices + 1 into entries; 0 is empty) */
	uint32_t *index;
	size_t index_size;		/* a power of two */
	char *pool;			/* every string the entries point to */
	size_t pool_used, pool_size;
};

/*
 * Where a config was rejected and why. line and column count from 1
 * (columns in bytes); line 0 means the whole file (it could not be read,
 * or is too large), and the message has no location.
 */
struct config_error {
	unsigned line;
	unsigned column;
	char reason[192];
};

/*
 * Parse len bytes of config text. Returns a new config, or NULL with *err
 * filled in: the first error in file order. Safe on any bytes.
 */
struct config *config_parse(const char *text, size_t len, struct config_error *err);

/*
 * Read and parse the file at path (at most CONFIG_MAX_FILE bytes).
 * Returns a new config, or NULL with *err filled in (line 0 when the file
 * cannot be read).
 */
struct config *config_load(const char *path, struct config_error *err);

void config_free(struct config *cfg);

/* The entry section.key, or NULL. */
const struct config_entry *config_lookup(const struct config *cfg,
					 const char *section, size_t section_len,
					 const char *key, size_t key_len);

/*
 * Render an entry's value as the parser reads it back: a decimal integer,
 * true or false, or a quoted string with \" \\ \n \t \r and \xHH escapes
 * (every byte outside printable ASCII is escaped). Writes at most size
 * bytes including the NUL; returns the length it needed, like snprintf.
 */
size_t config_format_value(const struct config_entry *e, char *buf, size_t size);

/* The longest value config_format_value() can produce, without the NUL. */
#define CONFIG_MAX_VALUE_TEXT (2 + 4 * CONFIG_MAX_STRING)

/* "path:line:column: reason", or "path: reason" for line 0. */
void config_error_format(const char *path, const struct config_error *err,
			 char *buf, size_t size);

#endif /* CONFIGD_CONFIG_H */
