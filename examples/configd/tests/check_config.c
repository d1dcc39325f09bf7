/* SPDX-License-Identifier: MIT */
/* The config parser: what it accepts, its limits, and where it rejects. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../config.h"
#include "check_configd.h"

static struct config *parse(const char *text, struct config_error *err)
{
	return config_parse(text, strlen(text), err);
}

static const struct config_entry *get(const struct config *cfg,
				      const char *section, const char *key)
{
	return config_lookup(cfg, section, strlen(section), key, strlen(key));
}

/* Parsing must fail at line:column with a reason containing `reason`. */
static void assert_rejected(const char *text, size_t len, unsigned line,
			    unsigned column, const char *reason)
{
	struct config_error err;
	struct config *cfg = config_parse(text, len, &err);

	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(err.line, line);
	ck_assert_uint_eq(err.column, column);
	ck_assert_msg(strstr(err.reason, reason), "reason \"%s\" lacks \"%s\"",
		      err.reason, reason);
}

START_TEST(test_types_and_values)
{
	struct config_error err;
	struct config *cfg = parse(
		"# comment\n"
		"; another\n"
		"[server]\n"
		"  name = \"edge-1\"   # trailing comment\n"
		"port=8080\n"
		"\ttls\t=\ton ; inline\n"
		"[limits]\n"
		"neg = -42\n"
		"plus = +7\n"
		"off = no\n", &err);
	const struct config_entry *e;

	ck_assert_msg(cfg != NULL, "rejected: %u:%u: %s", err.line, err.column, err.reason);
	ck_assert_uint_eq(cfg->n_entries, 6);
	e = get(cfg, "server", "name");
	ck_assert_int_eq(e->type, CONFIG_STRING);
	ck_assert_str_eq(e->str, "edge-1");
	ck_assert_uint_eq(e->line, 4);
	e = get(cfg, "server", "port");
	ck_assert_int_eq(e->type, CONFIG_INT);
	ck_assert_int_eq(e->num, 8080);
	e = get(cfg, "server", "tls");
	ck_assert_int_eq(e->type, CONFIG_BOOL);
	ck_assert_int_eq(e->num, 1);
	ck_assert_int_eq(get(cfg, "limits", "neg")->num, -42);
	ck_assert_int_eq(get(cfg, "limits", "plus")->num, 7);
	ck_assert_int_eq(get(cfg, "limits", "off")->num, 0);
	ck_assert_ptr_null(get(cfg, "limits", "port"));
	ck_assert_ptr_null(get(cfg, "server", "nam"));
	ck_assert_ptr_null(get(cfg, "serve", "name"));
	/* File order is kept for DUMP. */
	ck_assert_str_eq(cfg->entries[0].key, "name");
	ck_assert_str_eq(cfg->entries[5].key, "off");
	ck_assert_str_eq(cfg->entries[5].section, "limits");
	config_free(cfg);
}
END_TEST

static const char *const bool_words[] = { "true", "yes", "on", "false", "no", "off" };

START_TEST(test_booleans)
{
	char text[64];
	struct config_error err;
	struct config *cfg;

	snprintf(text, sizeof(text), "[a]\nb = %s\n", bool_words[_i]);
	cfg = parse(text, &err);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(get(cfg, "a", "b")->type, CONFIG_BOOL);
	ck_assert_int_eq(get(cfg, "a", "b")->num, _i < 3);
	config_free(cfg);
}
END_TEST

START_TEST(test_integer_range)
{
	struct config_error err;
	struct config *cfg = parse("[a]\nmax = 9223372036854775807\n"
				   "min = -9223372036854775808\nzero = -0\n", &err);

	ck_assert_ptr_nonnull(cfg);
	ck_assert(get(cfg, "a", "max")->num == INT64_MAX);
	ck_assert(get(cfg, "a", "min")->num == INT64_MIN);
	ck_assert(get(cfg, "a", "zero")->num == 0);
	config_free(cfg);
}
END_TEST

START_TEST(test_string_escapes)
{
	struct config_error err;
	struct config *cfg = parse("[a]\n"
				   "s = \"q\\\" b\\\\ n\\n t\\t r\\r x\\x41\\x7e # ; [x]\"\n"
				   "u = \"caf\xc3\xa9\"\n"
				   "e = \"\"\n", &err);
	char out[128];

	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(get(cfg, "a", "s")->str, "q\" b\\ n\n t\t r\r xA~ # ; [x]");
	ck_assert_str_eq(get(cfg, "a", "u")->str, "caf\xc3\xa9");
	ck_assert_uint_eq(get(cfg, "a", "e")->str_len, 0);
	/* Rendering escapes everything outside printable ASCII. */
	config_format_value(get(cfg, "a", "s"), out, sizeof(out));
	ck_assert_str_eq(out, "\"q\\\" b\\\\ n\\n t\\t r\\r xA~ # ; [x]\"");
	config_format_value(get(cfg, "a", "u"), out, sizeof(out));
	ck_assert_str_eq(out, "\"caf\\xc3\\xa9\"");
	config_format_value(get(cfg, "a", "e"), out, sizeof(out));
	ck_assert_str_eq(out, "\"\"");
	config_free(cfg);
}
END_TEST

START_TEST(test_format_truncates_like_snprintf)
{
	struct config_entry e = { .type = CONFIG_STRING, .str = "a\tb", .str_len = 3 };
	struct config_entry n = { .type = CONFIG_INT, .num = -1234 };
	char out[5];

	ck_assert_uint_eq(config_format_value(&e, out, sizeof(out)), 6);
	ck_assert_str_eq(out, "\"a\\t");
	ck_assert_uint_eq(config_format_value(&n, NULL, 0), 5);
	ck_assert_uint_eq(config_format_value(&n, out, sizeof(out)), 5);
	ck_assert_str_eq(out, "-123");
}
END_TEST

START_TEST(test_line_ends)
{
	struct config_error err;
	struct config *cfg = parse("[a]\r\nk = \"v\"\r\n\r\nlast = 1", &err);

	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(get(cfg, "a", "k")->str, "v");
	ck_assert_int_eq(get(cfg, "a", "last")->num, 1);
	ck_assert_uint_eq(get(cfg, "a", "last")->line, 4);
	config_free(cfg);
}
END_TEST

START_TEST(test_daemon_section)
{
	struct config_error err;
	struct config *cfg = parse("[a]\nk = 1\n", &err);

	ck_assert_int_eq(cfg->client_timeout_ms, CONFIG_TIMEOUT_DEFAULT_MS);
	config_free(cfg);
	cfg = parse("[configd]\nclient_timeout_ms = 250\n", &err);
	ck_assert_int_eq(cfg->client_timeout_ms, 250);
	config_free(cfg);
}
END_TEST

/* A growing text buffer for the generated limit cases. */
struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		ck_assert_ptr_nonnull(t->s);
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static void add_repeated(struct text *t, char c, size_t n)
{
	add(t, "%*s", (int)n, "");
	memset(t->s + t->len - n, c, n);
}

/* Every limit: the largest allowed passes, one more is rejected. */
START_TEST(test_limits_at_the_boundary)
{
	struct text t = { 0 };
	struct config_error err;
	struct config *cfg;

	add(&t, "[");
	add_repeated(&t, 's', CONFIG_MAX_NAME);
	add(&t, "]\n");
	add_repeated(&t, 'k', CONFIG_MAX_NAME);
	add(&t, " = \"");
	add_repeated(&t, 'v', CONFIG_MAX_STRING);
	add(&t, "\"\n#");
	add_repeated(&t, '-', CONFIG_MAX_LINE - 1);
	add(&t, "\n");
	cfg = config_parse(t.s, t.len, &err);
	ck_assert_msg(cfg != NULL, "%u:%u: %s", err.line, err.column, err.reason);
	ck_assert_uint_eq(cfg->entries[0].str_len, CONFIG_MAX_STRING);
	config_free(cfg);
	/* An escape counts once: 1024 \x41 is 1024 bytes. */
	t.len = 0;
	add(&t, "[a]\nk = \"");
	for (int i = 0; i < CONFIG_MAX_STRING / 2; i++)
		add(&t, "\\x41");
	add(&t, "\"\n");
	cfg = config_parse(t.s, t.len, &err);
	ck_assert_ptr_nonnull(cfg);
	config_free(cfg);
	free(t.s);
}
END_TEST

START_TEST(test_too_many_keys)
{
	struct text t = { 0 };
	struct config_error err;
	struct config *cfg;
	int i;

	add(&t, "[a]\n");
	for (i = 0; i < CONFIG_MAX_KEYS; i++)
		add(&t, "k%d = %d\n", i, i);
	cfg = config_parse(t.s, t.len, &err);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->n_entries, CONFIG_MAX_KEYS);
	ck_assert_int_eq(get(cfg, "a", "k4095")->num, 4095);
	ck_assert_int_eq(get(cfg, "a", "k0")->num, 0);
	config_free(cfg);
	add(&t, "  one_more = 1\n");
	assert_rejected(t.s, t.len, CONFIG_MAX_KEYS + 2, 3, "too many keys (limit 4096)");
	free(t.s);
}
END_TEST

START_TEST(test_file_size)
{
	struct text t = { 0 };
	struct config_error err;
	struct config *cfg;

	add(&t, "[a]\nk = 1\n");
	while (t.len + 4001 <= CONFIG_MAX_FILE) {
		add(&t, "#");
		add_repeated(&t, 'x', 3999);
		add(&t, "\n");
	}
	add(&t, "#");
	add_repeated(&t, 'y', CONFIG_MAX_FILE - t.len);
	ck_assert_uint_eq(t.len, CONFIG_MAX_FILE);
	cfg = config_parse(t.s, t.len, &err);
	ck_assert_msg(cfg != NULL, "%u:%u: %s", err.line, err.column, err.reason);
	config_free(cfg);
	add(&t, "\n");
	assert_rejected(t.s, t.len, 1, 1, "file too large");
	free(t.s);
}
END_TEST

static const char *tmp_path(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "/tmp/check_configd.%d.%s", (int)getpid(), name);
	return path;
}

START_TEST(test_load_errors)
{
	struct config_error err;
	char msg[512];
	const char *path = tmp_path("missing");
	FILE *f;

	ck_assert_ptr_null(config_load(path, &err));
	ck_assert_uint_eq(err.line, 0);
	config_error_format(path, &err, msg, sizeof(msg));
	ck_assert_msg(strstr(msg, ": cannot open: No such file or directory"), "%s", msg);
	ck_assert_ptr_null(config_load("/tmp", &err));
	ck_assert_str_eq(err.reason, "not a regular file");
	path = tmp_path("bad.conf");
	f = fopen(path, "w");
	fputs("[a]\nk = ?\n", f);
	fclose(f);
	ck_assert_ptr_null(config_load(path, &err));
	config_error_format(path, &err, msg, sizeof(msg));
	ck_assert_str_eq(strstr(msg, "bad.conf:"), "bad.conf:2:5: invalid value \"?\": "
			 "expected an integer, true/false/yes/no/on/off, or a \"quoted string\"");
	unlink(path);
}
END_TEST

/* The checked-in corpus of malformed configs (tests/bad/MANIFEST). */
struct bad_case {
	char file[96];
	unsigned line, column;
	char reason[160];
};

static struct bad_case bad_cases[128];
static int n_bad_cases;

static void read_manifest(void)
{
	char path[512], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/MANIFEST", bad_corpus_dir);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && n_bad_cases < 128) {
		struct bad_case *c = &bad_cases[n_bad_cases];
		char num_line[16], num_column[16];

		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		/* Numbers as digit strings: sscanf's %u would not report overflow. */
		if (sscanf(line, "%95[^\t]\t%15[0-9]\t%15[0-9]\t%159[^\n]", c->file,
			   num_line, num_column, c->reason) == 4) {
			c->line = (unsigned)strtoul(num_line, NULL, 10);
			c->column = (unsigned)strtoul(num_column, NULL, 10);
			n_bad_cases++;
		}
	}
	fclose(f);
}

START_TEST(test_corpus_is_there)
{
	ck_assert_int_ge(n_bad_cases, 30);
}
END_TEST

START_TEST(test_bad_corpus)
{
	const struct bad_case *c = &bad_cases[_i];
	struct config_error err;
	char path[512];
	struct config *cfg;

	snprintf(path, sizeof(path), "%s/%s", bad_corpus_dir, c->file);
	cfg = config_load(path, &err);
	ck_assert_msg(cfg == NULL, "%s: accepted", c->file);
	ck_assert_msg(err.line == c->line && err.column == c->column &&
		      strstr(err.reason, c->reason),
		      "%s: expected %u:%u: ...%s..., got %u:%u: %s", c->file,
		      c->line, c->column, c->reason, err.line, err.column, err.reason);
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("parse");
	TCase *lim = tcase_create("limits");
	TCase *bad = tcase_create("corpus");

	tcase_add_test(tc, test_types_and_values);
	tcase_add_loop_test(tc, test_booleans, 0, 6);
	tcase_add_test(tc, test_integer_range);
	tcase_add_test(tc, test_string_escapes);
	tcase_add_test(tc, test_format_truncates_like_snprintf);
	tcase_add_test(tc, test_line_ends);
	tcase_add_test(tc, test_daemon_section);
	tcase_add_test(tc, test_load_errors);
	suite_add_tcase(s, tc);
	tcase_add_test(lim, test_limits_at_the_boundary);
	tcase_add_test(lim, test_too_many_keys);
	tcase_add_test(lim, test_file_size);
	tcase_set_timeout(lim, 60);
	suite_add_tcase(s, lim);
	read_manifest();
	tcase_add_test(bad, test_corpus_is_there);
	tcase_add_loop_test(bad, test_bad_corpus, 0, n_bad_cases);
	suite_add_tcase(s, bad);
	return s;
}
