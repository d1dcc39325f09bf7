/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the config parser. Any input must be parsed or
 * rejected without a crash, leak or undefined behaviour; a rejection must
 * carry a position inside the input; and an accepted config, written back
 * out with config_format_value(), must parse again to the same entries
 * (which checks that DUMP's rendering of values is faithful).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../config.h"
#include "../proto.h"

static void check_error(const struct config_error *err, size_t size)
{
	if (err->line == 0 || err->column == 0 || err->reason[0] == '\0')
		abort();
	if (err->line > size + 1 || err->column > CONFIG_MAX_LINE + 1)
		abort();
}

/* INI text for cfg: each section's keys are together (no reopening). */
static void write_ini(const struct config *cfg, struct outbuf *out)
{
	const char *section = NULL;
	char value[CONFIG_MAX_VALUE_TEXT + 1];
	size_t i;

	for (i = 0; i < cfg->n_entries; i++) {
		const struct config_entry *e = &cfg->entries[i];

		if (e->section != section)
			outbuf_printf(out, "[%s]\n", e->section);
		section = e->section;
		config_format_value(e, value, sizeof(value));
		outbuf_printf(out, "%s = %s\n", e->key, value);
	}
}

static bool same_entry(const struct config_entry *a, const struct config_entry *b)
{
	return strcmp(a->section, b->section) == 0 && strcmp(a->key, b->key) == 0 &&
	       a->type == b->type && a->num == b->num && a->str_len == b->str_len &&
	       (a->type != CONFIG_STRING || memcmp(a->str, b->str, a->str_len) == 0);
}

/* Escaping can make a line four times longer than its source: such a
 * config has no rewrite within the limits, so it is not compared. */
static bool fits_limits(const struct outbuf *out)
{
	size_t start = 0, i;

	if (out->len > CONFIG_MAX_FILE)
		return false;
	for (i = 0; i < out->len; i++) {
		if (out->data[i] != '\n')
			continue;
		if (i - start > CONFIG_MAX_LINE)
			return false;
		start = i + 1;
	}
	return true;
}

static void check_round_trip(const struct config *cfg)
{
	struct outbuf out = { 0 };
	struct config_error err;
	struct config *again;
	size_t i;

	write_ini(cfg, &out);
	if (out.oom)
		abort();
	if (!fits_limits(&out)) {
		outbuf_free(&out);
		return;
	}
	again = config_parse(out.data, out.len, &err);
	if (!again || again->n_entries != cfg->n_entries ||
	    again->client_timeout_ms != cfg->client_timeout_ms)
		abort();
	for (i = 0; i < cfg->n_entries; i++) {
		const struct config_entry *e = &cfg->entries[i];

		if (!same_entry(e, &again->entries[i]) ||
		    config_lookup(again, e->section, e->section_len, e->key,
				  e->key_len) != &again->entries[i])
			abort();
	}
	config_free(again);
	outbuf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_error err;
	struct config *cfg = config_parse((const char *)data, size, &err);

	if (!cfg) {
		check_error(&err, size);
		return 0;
	}
	check_round_trip(cfg);
	config_free(cfg);
	return 0;
}
