/* SPDX-License-Identifier: MIT */
/*
 * The config parser: one pass, line by line, stopping at the first error so
 * that the error reported is always the first one in the file.
 *
 * Every string the config keeps (section names, keys, unescaped string
 * values) is copied into one pool allocated up front. Each stored string
 * plus its NUL is shorter than the source text it came from, so a pool of
 * len + 1 bytes never grows and the entries' pointers into it stay valid.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct section {
	const char *name;
	size_t len;
	unsigned line;
};

struct parser {
	const char *text;
	size_t len;
	size_t line_start;	/* offset of the current line's first byte */
	size_t line_end;	/* offset of its end ('\r', '\n' or len) */
	unsigned line;
	struct config *cfg;
	struct config_error *err;
	size_t entries_cap;
	const struct section *section;	/* the current one; NULL before any */
	unsigned n_sections;
	struct section sections[CONFIG_MAX_SECTIONS];
};

static bool fail(struct parser *p, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(struct parser *p, size_t at, const char *fmt, ...)
{
	va_list ap;

	p->err->line = p->line;
	p->err->column = (unsigned)(at - p->line_start + 1);
	va_start(ap, fmt);
	vsnprintf(p->err->reason, sizeof(p->err->reason), fmt, ap);
	va_end(ap);
	return false;
}

/* Bytes from the input shown in a message: printable ASCII, else \xHH. */
static void show_bytes(char *dst, size_t size, const char *s, size_t len)
{
	size_t o = 0, i;

	for (i = 0; i < len && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == 32) {
			o += (size_t)snprintf(dst + o, size - o, "...");
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			dst[o++] = (char)c;
		else
			o += (size_t)snprintf(dst + o, size - o, "\\x%02x", c);
	}
	dst[o] = '\0';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static size_t skip_space(const struct parser *p, size_t i)
{
	while (i < p->line_end && is_space(p->text[i]))
		i++;
	return i;
}

/* End of line, or the start of a comment. */
static bool at_line_end(const struct parser *p, size_t i)
{
	return i == p->line_end || p->text[i] == '#' || p->text[i] == ';';
}

/* Copy into the pool; the pool was sized so that this cannot fail. */
static const char *pool_add(struct config *cfg, const char *s, size_t len)
{
	char *dst = cfg->pool + cfg->pool_used;

	if (cfg->pool_size - cfg->pool_used < len + 1)
		abort();
	memcpy(dst, s, len);
	dst[len] = '\0';
	cfg->pool_used += len + 1;
	return dst;
}

static uint32_t hash_name(const char *section, size_t section_len,
			  const char *key, size_t key_len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < section_len; i++)
		h = (h ^ (unsigned char)section[i]) * 16777619u;
	h = (h ^ '.') * 16777619u;
	for (i = 0; i < key_len; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	return h;
}

static bool entry_is(const struct config_entry *e, const char *section,
		     size_t section_len, const char *key, size_t key_len)
{
	return e->section_len == section_len && e->key_len == key_len &&
	       memcmp(e->section, section, section_len) == 0 &&
	       memcmp(e->key, key, key_len) == 0;
}

/* The index slot that holds section.key, or the empty one where it goes. */
static uint32_t *index_slot(const struct config *cfg, const char *section,
			    size_t section_len, const char *key, size_t key_len)
{
	size_t mask = cfg->index_size - 1;
	size_t i = hash_name(section, section_len, key, key_len) & mask;

	while (cfg->index[i] &&
	       !entry_is(&cfg->entries[cfg->index[i] - 1], section, section_len,
			 key, key_len))
		i = (i + 1) & mask;
	return &cfg->index[i];
}

/* Keep the index at most half full, so probes stay short. */
static bool index_grow(struct config *cfg)
{
	uint32_t *old = cfg->index;
	size_t i, old_size = cfg->index_size;

	cfg->index_size = old_size ? old_size * 2 : 64;
	cfg->index = calloc(cfg->index_size, sizeof(*cfg->index));
	if (!cfg->index)
		return false;
	for (i = 0; i < old_size; i++) {
		const struct config_entry *e;

		if (!old[i])
			continue;
		e = &cfg->entries[old[i] - 1];
		*index_slot(cfg, e->section, e->section_len, e->key,
			    e->key_len) = old[i];
	}
	free(old);
	return true;
}

const struct config_entry *config_lookup(const struct config *cfg,
					 const char *section, size_t section_len,
					 const char *key, size_t key_len)
{
	uint32_t idx;

	if (!cfg->index_size)
		return NULL;
	idx = *index_slot(cfg, section, section_len, key, key_len);
	return idx ? &cfg->entries[idx - 1] : NULL;
}

/*
 * Bytes a line may hold: printable ASCII, tab, and bytes >= 0x80 (UTF-8,
 * allowed in strings and comments only; the tokens reject them elsewhere).
 * Control characters would make error columns and replies ambiguous.
 */
static bool check_line_bytes(struct parser *p)
{
	size_t i;

	if (p->line_end - p->line_start > CONFIG_MAX_LINE)
		return fail(p, p->line_start + CONFIG_MAX_LINE,
			    "line too long (limit %d bytes)", CONFIG_MAX_LINE);
	for (i = p->line_start; i < p->line_end; i++) {
		unsigned char c = (unsigned char)p->text[i];

		if (c == '\0')
			return fail(p, i, "NUL byte (is this a binary file?)");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(p, i, "control character 0x%02x", c);
	}
	return true;
}

/* A section or key name at i; returns its end, or 0 after an error. */
static size_t scan_name(struct parser *p, size_t i, const char *what)
{
	size_t start = i;
	char shown[48];

	while (i < p->line_end && is_name_char(p->text[i]))
		i++;
	if (i == start) {
		if (i == p->line_end)
			return fail(p, i, "missing %s", what), 0;
		show_bytes(shown, sizeof(shown), p->text + i, 1);
		return fail(p, i, "invalid character '%s' where a %s should start "
			    "(names are letters, digits, '_' and '-')", shown, what), 0;
	}
	if (i - start > CONFIG_MAX_NAME)
		return fail(p, start, "%s too long (%zu bytes; limit %d)", what,
			    i - start, CONFIG_MAX_NAME), 0;
	if (i < p->line_end && !is_space(p->text[i]) && p->text[i] != ']' &&
	    p->text[i] != '=') {
		show_bytes(shown, sizeof(shown), p->text + i, 1);
		return fail(p, i, "invalid character '%s' in a %s (names are "
			    "letters, digits, '_' and '-')", shown, what), 0;
	}
	return i;
}

static bool expect_line_end(struct parser *p, size_t i, const char *after)
{
	char shown[48];

	i = skip_space(p, i);
	if (at_line_end(p, i))
		return true;
	show_bytes(shown, sizeof(shown), p->text + i, p->line_end - i);
	return fail(p, i, "unexpected text after %s: \"%s\"", after, shown);
}

static bool add_section(struct parser *p, size_t at, const char *name, size_t len)
{
	struct section *s;
	unsigned i;

	for (i = 0; i < p->n_sections; i++)
		if (p->sections[i].len == len && !memcmp(p->sections[i].name, name, len))
			return fail(p, at, "duplicate section [%s] (first on line %u)",
				    p->sections[i].name, p->sections[i].line);
	if (p->n_sections == CONFIG_MAX_SECTIONS)
		return fail(p, at, "too many sections (limit %d)",
			    CONFIG_MAX_SECTIONS);
	s = &p->sections[p->n_sections++];
	s->name = pool_add(p->cfg, name, len);
	s->len = len;
	s->line = p->line;
	p->section = s;
	return true;
}

/* "[ name ]", with i just past the '['. */
static bool parse_header(struct parser *p, size_t i)
{
	size_t name, end;

	i = skip_space(p, i);
	name = i;
	if (i < p->line_end && p->text[i] == ']')
		return fail(p, i, "empty section name");
	end = scan_name(p, i, "section name");
	if (!end)
		return false;
	i = skip_space(p, end);
	if (i == p->line_end)
		return fail(p, i, "missing ']' at the end of the section header");
	if (p->text[i] != ']')
		return fail(p, i, "expected ']' after the section name");
	return expect_line_end(p, i + 1, "the section header") &&
	       add_section(p, name, p->text + name, end - name);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One escape at i (the backslash); stores the byte, returns its length. */
static size_t parse_escape(struct parser *p, size_t i, char *out)
{
	char shown[48];
	int hi, lo;

	if (i + 1 == p->line_end)
		return fail(p, i, "unterminated escape at the end of the line"), 0;
	switch (p->text[i + 1]) {
	case '"': *out = '"'; return 2;
	case '\\': *out = '\\'; return 2;
	case 'n': *out = '\n'; return 2;
	case 't': *out = '\t'; return 2;
	case 'r': *out = '\r'; return 2;
	case 'x':
		hi = i + 2 < p->line_end ? hex_digit(p->text[i + 2]) : -1;
		lo = i + 3 < p->line_end ? hex_digit(p->text[i + 3]) : -1;
		if (hi < 0 || lo < 0)
			return fail(p, i, "\\x needs two hex digits"), 0;
		if (!hi && !lo)
			return fail(p, i, "\\x00 (NUL) is not allowed in a string"), 0;
		*out = (char)(hi * 16 + lo);
		return 4;
	}
	show_bytes(shown, sizeof(shown), p->text + i + 1, 1);
	return fail(p, i, "unknown escape '\\%s' (use \\\" \\\\ \\n \\t \\r \\xHH)",
		    shown), 0;
}

/*
 * A quoted string at i (the opening quote), unescaped straight into the
 * pool. Returns the offset past the closing quote, or 0 after an error.
 */
static size_t parse_string(struct parser *p, size_t i, struct config_entry *e)
{
	size_t open = i, n = 0, step;
	char *dst = p->cfg->pool + p->cfg->pool_used;

	/* Unescaping only shrinks: the string fits where its source would. */
	if (p->cfg->pool_size - p->cfg->pool_used < p->line_end - i)
		abort();

	for (i++; i < p->line_end && p->text[i] != '"'; i += step) {
		char c = p->text[i];

		step = c == '\\' ? parse_escape(p, i, &c) : 1;
		if (!step)
			return 0;
		if (n == CONFIG_MAX_STRING)
			return fail(p, open, "string too long (limit %d bytes)",
				    CONFIG_MAX_STRING), 0;
		dst[n++] = c;
	}
	if (i == p->line_end)
		return fail(p, open, "unterminated string (missing closing '\"')"), 0;
	dst[n] = '\0';
	p->cfg->pool_used += n + 1;
	e->type = CONFIG_STRING;
	e->str = dst;
	e->str_len = n;
	return i + 1;
}

static bool parse_integer(const char *s, size_t len, int64_t *out)
{
	size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
	bool neg = s[0] == '-';
	uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX;

	if (i == len)
		return false;
	for (; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || v > (limit - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

static bool is_word(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && !memcmp(s, word, len);
}

static bool parse_bool(const char *s, size_t len, int64_t *out)
{
	if (is_word(s, len, "true") || is_word(s, len, "yes") || is_word(s, len, "on"))
		return *out = 1, true;
	if (is_word(s, len, "false") || is_word(s, len, "no") || is_word(s, len, "off"))
		return *out = 0, true;
	return false;
}

static bool all_digits(const char *s, size_t len)
{
	size_t i = (len && (s[0] == '-' || s[0] == '+')) ? 1 : 0;

	if (i == len)
		return false;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* An unquoted value at i: an integer or a boolean. */
static size_t parse_bare(struct parser *p, size_t i, struct config_entry *e)
{
	size_t start = i;
	char shown[160];

	while (i < p->line_end && !is_space(p->text[i]) && !at_line_end(p, i))
		i++;
	if (parse_bool(p->text + start, i - start, &e->num)) {
		e->type = CONFIG_BOOL;
		return i;
	}
	if (parse_integer(p->text + start, i - start, &e->num)) {
		e->type = CONFIG_INT;
		return i;
	}
	show_bytes(shown, sizeof(shown), p->text + start, i - start);
	if (all_digits(p->text + start, i - start))
		return fail(p, start, "integer out of range: %s (64-bit signed)",
			    shown), 0;
	return fail(p, start, "invalid value \"%s\": expected an integer, "
		    "true/false/yes/no/on/off, or a \"quoted string\"", shown), 0;
}

static const char *type_name(enum config_type t)
{
	return t == CONFIG_INT ? "an integer" : t == CONFIG_BOOL ? "a boolean" : "a string";
}

/*
 * [configd] holds the daemon's own settings: known keys only, each with
 * its type and range, so that a typo cannot silently fall back to a default.
 */
static bool check_daemon_key(struct parser *p, size_t key_at, size_t value_at,
			     const struct config_entry *e)
{
	if (strcmp(e->section, "configd") != 0)
		return true;
	if (strcmp(e->key, "client_timeout_ms") != 0)
		return fail(p, key_at, "unknown key \"%s\" in [configd] "
			    "(known: client_timeout_ms)", e->key);
	if (e->type != CONFIG_INT)
		return fail(p, value_at, "configd.client_timeout_ms must be an "
			    "integer, not %s", type_name(e->type));
	if (e->num < CONFIG_TIMEOUT_MIN_MS || e->num > CONFIG_TIMEOUT_MAX_MS)
		return fail(p, value_at, "configd.client_timeout_ms must be "
			    "between %d and %d", CONFIG_TIMEOUT_MIN_MS,
			    CONFIG_TIMEOUT_MAX_MS);
	p->cfg->client_timeout_ms = (int)e->num;
	return true;
}

static struct config_entry *new_entry(struct parser *p, size_t at)
{
	struct config *cfg = p->cfg;

	if (cfg->n_entries == CONFIG_MAX_KEYS)
		return fail(p, at, "too many keys (limit %d)", CONFIG_MAX_KEYS), NULL;
	if (cfg->n_entries == p->entries_cap) {
		size_t cap = p->entries_cap ? p->entries_cap * 2 : 16;
		struct config_entry *e = realloc(cfg->entries, cap * sizeof(*e));

		if (!e)
			return fail(p, at, "out of memory"), NULL;
		cfg->entries = e;
		p->entries_cap = cap;
	}
	return memset(&cfg->entries[cfg->n_entries], 0, sizeof(cfg->entries[0]));
}

/* Make the entry just filled in visible to lookups, rejecting duplicates. */
static bool commit_entry(struct parser *p, size_t at, struct config_entry *e)
{
	struct config *cfg = p->cfg;
	uint32_t *slot;

	if ((cfg->n_entries + 1) * 2 > cfg->index_size && !index_grow(cfg))
		return fail(p, at, "out of memory");
	slot = index_slot(cfg, e->section, e->section_len, e->key, e->key_len);
	if (*slot)
		return fail(p, at, "duplicate key \"%s\" in [%s] (first set on line %u)",
			    e->key, e->section, cfg->entries[*slot - 1].line);
	*slot = (uint32_t)++cfg->n_entries;
	return true;
}

/* "key = value", with i at the key. */
static bool parse_key_line(struct parser *p, size_t i)
{
	size_t key = i, end, value;
	struct config_entry *e;

	end = scan_name(p, i, "key");
	if (!end)
		return false;
	if (!p->section)
		return fail(p, key, "key \"%.*s\" before any [section]",
			    (int)(end - key), p->text + key);
	i = skip_space(p, end);
	if (i == p->line_end || p->text[i] != '=')
		return fail(p, i, "expected '=' after the key");
	value = i = skip_space(p, i + 1);
	if (at_line_end(p, i))
		return fail(p, i, "missing value after '='");
	e = new_entry(p, key);
	if (!e)
		return false;
	e->section = p->section->name;
	e->section_len = p->section->len;
	e->line = p->line;
	i = p->text[i] == '"' ? parse_string(p, i, e) : parse_bare(p, i, e);
	if (!i || !expect_line_end(p, i, "the value"))
		return false;
	e->key = pool_add(p->cfg, p->text + key, end - key);
	e->key_len = end - key;
	return check_daemon_key(p, key, value, e) && commit_entry(p, key, e);
}

static bool parse_line(struct parser *p)
{
	size_t i;

	if (!check_line_bytes(p))
		return false;
	i = skip_space(p, p->line_start);
	if (at_line_end(p, i))
		return true;
	if (p->text[i] == '[')
		return parse_header(p, i + 1);
	return parse_key_line(p, i);
}

/* Find the current line's end; a '\r' just before the '\n' is not part of it. */
static size_t find_line_end(const struct parser *p, size_t *next)
{
	const char *nl = memchr(p->text + p->line_start, '\n', p->len - p->line_start);
	size_t end = nl ? (size_t)(nl - p->text) : p->len;

	*next = nl ? end + 1 : p->len;
	if (nl && end > p->line_start && p->text[end - 1] == '\r')
		end--;
	return end;
}

static bool parse_all(struct parser *p)
{
	size_t next;

	if (p->len > CONFIG_MAX_FILE)
		return fail(p, 0, "file too large (%zu bytes; limit %d)", p->len,
			    CONFIG_MAX_FILE);
	while (p->line_start < p->len) {
		p->line_end = find_line_end(p, &next);
		if (!parse_line(p))
			return false;
		p->line_start = next;
		p->line++;
	}
	if (!p->cfg->n_entries) {
		p->line = 1;
		p->line_start = 0;
		return fail(p, 0, "no keys: an empty config is taken for a mistake");
	}
	return true;
}

static struct config *config_new(size_t len)
{
	struct config *cfg = calloc(1, sizeof(*cfg));

	if (!cfg)
		return NULL;
	cfg->client_timeout_ms = CONFIG_TIMEOUT_DEFAULT_MS;
	cfg->pool_size = len + 1;
	cfg->pool = malloc(cfg->pool_size);
	if (!cfg->pool) {
		free(cfg);
		return NULL;
	}
	return cfg;
}

struct config *config_parse(const char *text, size_t len, struct config_error *err)
{
	struct parser *p;
	struct config *cfg;

	memset(err, 0, sizeof(*err));
	/* Bounded before anything is allocated for it. */
	cfg = len > CONFIG_MAX_FILE ? NULL : config_new(len);
	p = calloc(1, sizeof(*p));
	if (!p || (!cfg && len <= CONFIG_MAX_FILE)) {
		snprintf(err->reason, sizeof(err->reason), "out of memory");
		free(p);
		config_free(cfg);
		return NULL;
	}
	*p = (struct parser){ .text = text, .len = len, .line = 1, .cfg = cfg,
			      .err = err };
	if (!parse_all(p)) {
		config_free(cfg);
		cfg = NULL;
	}
	free(p);
	return cfg;
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	free(cfg->entries);
	free(cfg->index);
	free(cfg->pool);
	free(cfg);
}

static void io_error(struct config_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void io_error(struct config_error *err, const char *fmt, ...)
{
	va_list ap;

	memset(err, 0, sizeof(*err));
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
}

/* Read at most max + 1 bytes: one more than allowed tells "too large". */
static char *read_fd(int fd, size_t max, size_t *len, struct config_error *err)
{
	char *buf = malloc(max + 1);
	size_t n = 0;

	if (!buf)
		return io_error(err, "out of memory"), NULL;
	while (n < max + 1) {
		ssize_t r = read(fd, buf + n, max + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			io_error(err, "read error: %s", strerror(errno));
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

struct config *config_load(const char *path, struct config_error *err)
{
	struct config *cfg = NULL;
	struct stat st;
	size_t len;
	char *text;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return io_error(err, "cannot open: %s", strerror(errno)), NULL;
	/* A FIFO or a device could block the reloading thread forever. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		io_error(err, "not a regular file");
		close(fd);
		return NULL;
	}
	text = read_fd(fd, CONFIG_MAX_FILE, &len, err);
	close(fd);
	if (text && len > CONFIG_MAX_FILE)
		io_error(err, "file too large (more than %d bytes)", CONFIG_MAX_FILE);
	else if (text)
		cfg = config_parse(text, len, err);
	free(text);
	return cfg;
}

static size_t put(char *buf, size_t size, size_t at, const char *s, size_t n)
{
	if (at < size)
		memcpy(buf + at, s, at + n < size ? n : size - at);
	return at + n;
}

static size_t format_string(const struct config_entry *e, char *buf, size_t size)
{
	size_t at = put(buf, size, 0, "\"", 1), i;

	for (i = 0; i < e->str_len; i++) {
		unsigned char c = (unsigned char)e->str[i];
		char esc[5];

		if (c == '"' || c == '\\')
			esc[0] = '\\', esc[1] = (char)c, esc[2] = '\0';
		else if (c == '\n' || c == '\t' || c == '\r')
			esc[0] = '\\', esc[1] = (char)(c == '\n' ? 'n' : c == '\t' ? 't' : 'r'),
			esc[2] = '\0';
		else if (c < 0x20 || c >= 0x7f)
			snprintf(esc, sizeof(esc), "\\x%02x", c);
		else
			esc[0] = (char)c, esc[1] = '\0';
		at = put(buf, size, at, esc, strlen(esc));
	}
	return put(buf, size, at, "\"", 1);
}

size_t config_format_value(const struct config_entry *e, char *buf, size_t size)
{
	size_t n;

	if (e->type == CONFIG_STRING) {
		n = format_string(e, buf, size);
	} else {
		char num[24];

		if (e->type == CONFIG_BOOL)
			snprintf(num, sizeof(num), "%s", e->num ? "true" : "false");
		else
			snprintf(num, sizeof(num), "%" PRId64, e->num);
		n = put(buf, size, 0, num, strlen(num));
	}
	if (size)
		buf[n < size ? n : size - 1] = '\0';
	return n;
}

void config_error_format(const char *path, const struct config_error *err,
			 char *buf, size_t size)
{
	if (err->line)
		snprintf(buf, size, "%s:%u:%u: %s", path, err->line, err->column,
			 err->reason);
	else
		snprintf(buf, size, "%s: %s", path, err->reason);
}
