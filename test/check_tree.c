/* SPDX-License-Identifier: MIT */
/*
 * The ordered map, one thread at a time: order, floor and ceil at, between,
 * below and above every key, ranges, every kind of key, the single-key
 * updates and their errors, copy_update's rules, transactions (seen by
 * nobody until the commit, all at once after it, nothing after an abort),
 * views, destroy, and the memory an empty tree holds (none).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_tree.h"
#include "check_rcuslot.h"
#include "failalloc.h"

/* A random number generator (splitmix64). */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void shuffle(uint64_t *a, long n, uint64_t seed)
{
	for (long i = n - 1; i > 0; i--) {
		long j = (long)(rnd(&seed) % (uint64_t)(i + 1));
		uint64_t t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
}

/*
 * ck_assert() reports every pass to Check's runner through a pipe: in the
 * loops that check every key, a plain test that calls Check only to fail.
 */
#define TCHECK(cond)                                                           \
	do {                                                                   \
		if (!(cond))                                                   \
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #cond);  \
	} while (0)

/* An old handle's object (debug builds tag the handle's value). */
#define OLD_OBJ(old) ((struct tent *)rcuslot_priv_strip((old).rcuslot_priv_obj))

static void insert_key(struct ttree *t, uint64_t key, long value)
{
	ck_assert_int_eq(ttree_insert(t, tent_new(key, value)), 0);
}

/* --- empty trees ------------------------------------------------------- */

START_TEST(test_empty)
{
	static struct ttree t = RCU_TREE_INITIALIZER;
	struct ttree z;
	struct ttree_old old;
	struct tent *e = tent_new(5, 0);
	int n = 0;

	memset(&z, 0, sizeof(z)); /* a zeroed tree is an empty one */
	RCUSLOT_READ_SCOPE({
		struct ttree_view v = ttree_view(&t);
		const struct tent *o;

		ck_assert_ptr_null(ttree_find(&t, 5));
		ck_assert_ptr_null(ttree_floor(&t, 5));
		ck_assert_ptr_null(ttree_ceil(&t, 5));
		ck_assert_ptr_null(ttree_first(&t));
		ck_assert_ptr_null(ttree_last(&z));
		RCU_TREE_FOREACH(ttree, &t, o)
			n++;
		RCU_TREE_FOREACH_REVERSE(ttree, &z, o)
			n++;
		RCU_TREE_FOREACH_RANGE(ttree, &t, o, 0, UINT64_MAX)
			n++;
		RCU_TREE_VIEW_FOREACH(ttree, &v, o)
			n++;
		ck_assert_uint_eq(ttree_view_count(&v), 0);
		ck_assert_ptr_null(ttree_view_first(&v));
	})
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(ttree_count(&t), 0);
	ck_assert_int_eq(ttree_remove(&t, 5, &old), -ENOENT);
	ck_assert(ttree_old_is_empty(&old));
	ck_assert_int_eq(ttree_replace(&t, e, &old), -ENOENT);
	ck_assert(ttree_old_is_empty(&old));
	ck_assert_int_eq(ttree_insert(&z, e), 0);
	ck_assert_uint_eq(ttree_count(&z), 1);
	ttree_destroy(&t);
	ttree_destroy(&z);
	ck_assert_uint_eq(ttree_count(&z), 0);
}
END_TEST

/* --- order, floor, ceil, ranges ---------------------------------------- */

/*
 * Sizes around node boundaries, three insertion orders each, all in one
 * test: under TSan each forked test pays about a second for liburcu's
 * call_rcu thread and the barrier at its end.
 */
static const long order_sizes[] = { 1, 2, 31, 32, 33, 64, 100, 1025, 5000 };
#define ORDER_CASES ((int)(sizeof(order_sizes) / sizeof(order_sizes[0])))

/* The tree holds exactly the keys 10, 20, ..., 10 * n: check every read. */
static void check_tens(struct ttree *t, long n)
{
	RCUSLOT_READ_SCOPE({
		const struct tent *o;
		long i = 0;

		RCU_TREE_FOREACH(ttree, t, o) {
			TCHECK(tent_intact(o));
			TCHECK((o->key) == (10 * (uint64_t)++i));
		}
		TCHECK((i) == (n));
		RCU_TREE_FOREACH_REVERSE(ttree, t, o)
			TCHECK((o->key) == (10 * (uint64_t)i--));
		TCHECK((i) == (0));
		TCHECK((ttree_first(t)->key) == (10));
		TCHECK((ttree_last(t)->key) == (10 * (uint64_t)n));
		/* Every key, and between, below and above it. */
		for (uint64_t k = 0; k <= 10 * (uint64_t)n + 11; k++) {
			const struct tent *f = ttree_find(t, k),
					  *fl = ttree_floor(t, k),
					  *ce = ttree_ceil(t, k);
			uint64_t below = k / 10 * 10, above = (k + 9) / 10 * 10;

			if (k % 10 == 0 && k >= 10 && k <= 10 * (uint64_t)n)
				TCHECK(f && f->key == k);
			else
				TCHECK(!(f));
			if (below < 10)
				TCHECK(!(fl));
			else
				TCHECK((fl->key) == (below > 10 * (uint64_t)n
							     ? 10 * (uint64_t)n
							     : below));
			if (above > 10 * (uint64_t)n)
				TCHECK(!(ce));
			else
				TCHECK((ce->key) == (above < 10 ? 10 : above));
		}
		/* Ranges: inclusive at both ends, empty when lo > hi. */
		for (uint64_t lo = 0; lo <= 10 * (uint64_t)n + 10; lo += 7) {
			for (uint64_t w = 0; w < 60; w += 9) {
				uint64_t hi = lo + w, want = (lo + 9) / 10 * 10;
				long seen = 0;

				if (want < 10)
					want = 10;
				RCU_TREE_FOREACH_RANGE(ttree, t, o, lo, hi) {
					TCHECK((o->key) == (want));
					want += 10;
					seen++;
				}
				TCHECK(want > hi || want > 10 * (uint64_t)n);
				(void)seen;
			}
			RCU_TREE_FOREACH_RANGE(ttree, t, o, lo + 1, lo)
				ck_abort_msg("a range with lo > hi is empty");
		}
		RCU_TREE_FOREACH_RANGE(ttree, t, o, 10, 10)
			TCHECK((o->key) == (10));
	})
	TCHECK((ttree_count(t)) == ((unsigned long)n));
}

static void order_case(long n, int order)
{
	static struct ttree t;
	uint64_t *keys = malloc((size_t)n * sizeof(*keys));
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;
	struct ttree_old old;

	for (long i = 0; i < n; i++)
		keys[i] = 10 * (uint64_t)(order == 1 ? n - i : i + 1);
	if (order == 2)
		shuffle(keys, n, (uint64_t)n);
	for (long i = 0; i < n; i++)
		insert_key(&t, keys[i], (long)i);
	check_tens(&t, n);
	/* Remove every other key in random order, check, remove the rest. */
	shuffle(keys, n, 7);
	for (long i = 0; i < n; i++) {
		if (keys[i] % 20 == 0) {
			ck_assert_int_eq(ttree_remove(&t, keys[i], &old), 0);
			ck_assert_uint_eq(OLD_OBJ(old)->key, keys[i]);
			ttree_batch_add(&batch,
					&old); /* one grace period for all */
		}
	}
	RCUSLOT_READ_SCOPE({
		const struct tent *o;
		uint64_t want = 10;

		RCU_TREE_FOREACH(ttree, &t, o) {
			ck_assert_uint_eq(o->key, want);
			want += 20;
		}
	})
	ck_assert_uint_eq(ttree_count(&t), (unsigned long)(n - n / 2));
	for (long i = 0; i < n; i++)
		if (keys[i] % 20 != 0) {
			ck_assert_int_eq(ttree_remove(&t, keys[i], &old), 0);
			ttree_batch_add(&batch,
					&old); /* one grace period for all */
		}
	ck_assert_uint_eq(ttree_count(&t), 0);
	RCUSLOT_READ_SCOPE({ ck_assert_ptr_null(ttree_first(&t)); })
	rcuslot_batch_free(&batch);
	ttree_destroy(&t);
	free(keys);
}

START_TEST(test_order)
{
	for (int i = 0; i < ORDER_CASES; i++)
		for (int order = 0; order < 3; order++)
			order_case(order_sizes[i], order);
}
END_TEST

/* --- other key types --------------------------------------------------- */

struct skey {
	int8_t k8;
	int64_t k64;
	const char *name;
	char tag[8];
	struct pair {
		uint32_t major, minor;
	} version;
};

static atomic_long skey_frees;

static void skey_free(struct skey *s)
{
	atomic_fetch_add(&skey_frees, 1);
	free(s);
}

static int pair_cmp(struct pair a, struct pair b)
{
	if (a.major != b.major)
		return a.major < b.major ? -1 : 1;
	return (a.minor > b.minor) - (a.minor < b.minor);
}

RCU_TREE_DEFINE(i8_tree, struct skey, k8, skey_free);
RCU_TREE_DEFINE(i64_tree, struct skey, k64, skey_free);
RCU_TREE_DEFINE_STRING(name_tree, struct skey, name, skey_free);
RCU_TREE_DEFINE_STRING(tag_tree, struct skey, tag, skey_free);
RCU_TREE_DEFINE_CUSTOM(ver_tree, struct skey, version, struct pair, pair_cmp,
		       skey_free);

static struct skey *skey_new(long i)
{
	static const char *const names[] = { "bravo", "alpha", "delta",
					     "charlie", "echo" };
	struct skey *s = calloc(1, sizeof(*s));

	ck_assert_ptr_nonnull(s);
	s->k8 = (int8_t)(i * 37);
	s->k64 = i % 2 ? -(int64_t)i * 1000000007 : (int64_t)i * 1000000007;
	s->name = names[i % 5];
	snprintf(s->tag, sizeof(s->tag), "t%03ld", (i * 7) % 1000);
	s->version.major = (uint32_t)(i % 3);
	s->version.minor = (uint32_t)(1000 - i);
	return s;
}

START_TEST(test_signed_keys)
{
	static struct i8_tree t8;
	static struct i64_tree t64;
	const struct skey *o;
	struct skey *lo = skey_new(0), *hi = skey_new(0);
	long n8 = 0;

	/* The extremes order as numbers, not as bit patterns. */
	lo->k64 = INT64_MIN;
	hi->k64 = INT64_MAX;
	ck_assert_int_eq(i64_tree_insert(&t64, lo), 0);
	ck_assert_int_eq(i64_tree_insert(&t64, hi), 0);
	for (long i = 1; i < 6; i++)
		ck_assert_int_eq(i64_tree_insert(&t64, skey_new(i)), 0);
	for (long i = 0; i < 7; i++) {
		struct skey *s = skey_new(i);

		if (i8_tree_insert(&t8, s) != 0)
			skey_free(s);
	}
	RCUSLOT_READ_SCOPE({
		int64_t last = INT64_MIN;
		int first = 1;

		RCU_TREE_FOREACH(i64_tree, &t64, o) {
			ck_assert(first || o->k64 > last);
			first = 0;
			last = o->k64;
		}
		ck_assert_ptr_eq(i64_tree_first(&t64), lo);
		ck_assert_ptr_eq(i64_tree_last(&t64), hi);
		ck_assert_ptr_eq(i64_tree_floor(&t64, -1),
				 i64_tree_find(&t64, -1000000007));
		ck_assert_ptr_eq(i64_tree_floor(&t64, -1000000008),
				 i64_tree_find(&t64, -3000000021));
		ck_assert_ptr_eq(i64_tree_ceil(&t64, -1),
				 i64_tree_find(&t64, 2000000014));
		ck_assert_ptr_eq(i64_tree_floor(&t64, INT64_MIN), lo);
		ck_assert_ptr_eq(i64_tree_ceil(&t64, INT64_MAX), hi);
		int8_t prev = INT8_MIN;

		RCU_TREE_FOREACH(i8_tree, &t8, o) {
			ck_assert(n8 == 0 || o->k8 > prev);
			prev = o->k8;
			n8++;
		}
		RCU_TREE_FOREACH_RANGE(i8_tree, &t8, o, -128, -1)
			ck_assert_int_lt(o->k8, 0);
	})
	ck_assert_int_eq(n8, (long)i8_tree_count(&t8));
	i64_tree_destroy(&t64);
	i8_tree_destroy(&t8);
}
END_TEST

START_TEST(test_string_and_custom_keys)
{
	static struct name_tree names;
	static struct tag_tree tags;
	static struct ver_tree vers;
	struct name_tree_old nold;

	for (long i = 0; i < 5; i++)
		ck_assert_int_eq(name_tree_insert(&names, skey_new(i)), 0);
	for (long i = 0; i < 300; i++) {
		ck_assert_int_eq(tag_tree_insert(&tags, skey_new(i)), 0);
		ck_assert_int_eq(ver_tree_insert(&vers, skey_new(i)), 0);
	}
	{
		struct skey *dup = skey_new(1); /* "alpha" again */

		ck_assert_int_eq(name_tree_insert(&names, dup), -EEXIST);
		ck_assert_int_eq(name_tree_upsert(&names, dup, &nold), 0);
		ck_assert_str_eq(((struct skey *)rcuslot_priv_strip(
					  nold.rcuslot_priv_obj))
					 ->name,
				 "alpha");
		name_tree_old_free(&nold);
	}
	RCUSLOT_READ_SCOPE({
		const char *want[] = { "alpha", "bravo", "charlie", "delta",
				       "echo" };
		char last[8] = "";
		struct pair lastv = { 0, 0 };
		char buf[16];
		const struct skey *o;
		long n = 0;

		RCU_TREE_FOREACH(name_tree, &names, o)
			ck_assert_str_eq(o->name, want[n++]);
		ck_assert_int_eq(n, 5);
		ck_assert_str_eq(name_tree_floor(&names, "c")->name, "bravo");
		ck_assert_str_eq(name_tree_ceil(&names, "c")->name, "charlie");
		ck_assert_ptr_null(name_tree_floor(&names, "a"));
		ck_assert_ptr_null(name_tree_ceil(&names, "f"));
		snprintf(buf, sizeof(buf), "%s",
			 "delta"); /* another pointer, same string */
		ck_assert_str_eq(name_tree_find(&names, buf)->name, "delta");
		n = 0;
		RCU_TREE_FOREACH_RANGE(name_tree, &names, o, "b", "d")
			ck_assert_str_eq(o->name, want[1 + n++]);
		ck_assert_int_eq(n, 2);
		n = 0;
		RCU_TREE_FOREACH(tag_tree, &tags, o) {
			ck_assert_int_gt(strcmp(o->tag, last), 0);
			memcpy(last, o->tag, sizeof(last));
			n++;
		}
		ck_assert_int_eq(n, 300);
		n = 0;
		RCU_TREE_FOREACH_RANGE(tag_tree, &tags, o, "t100", "t199") {
			ck_assert(strcmp(o->tag, "t100") >= 0 &&
				  strcmp(o->tag, "t199") <= 0);
			n++;
		}
		/* Tags are 7 i mod 1000 for i < 300: i = 15..28 and 158..171 fall in. */
		ck_assert_int_eq(n, 28);
		n = 0;
		RCU_TREE_FOREACH(ver_tree, &vers, o) {
			ck_assert(n == 0 || pair_cmp(lastv, o->version) < 0);
			lastv = o->version;
			n++;
		}
		ck_assert_int_eq(n, 300);
		ck_assert_uint_eq(ver_tree_floor(&vers, (struct pair){ 1, 0 })
					  ->version.major,
				  0);
		ck_assert_uint_eq(ver_tree_ceil(&vers, (struct pair){ 1, 0 })
					  ->version.major,
				  1);
		n = 0;
		RCU_TREE_FOREACH_RANGE(ver_tree, &vers, o,
				      ((struct pair){ 1, 0 }),
				      ((struct pair){ 1, UINT32_MAX }))
			n++;
		ck_assert_int_eq(n, 100);
	})
	/* Remove through the custom key, down to nothing. */
	for (long i = 0; i < 300; i++) {
		struct ver_tree_old old;
		struct pair k = { (uint32_t)(i % 3), (uint32_t)(1000 - i) };

		ck_assert_int_eq(ver_tree_remove(&vers, k, &old), 0);
		ver_tree_old_defer(&old);
		ck_assert_int_eq(ver_tree_remove(&vers, k, &old), -ENOENT);
	}
	ck_assert_uint_eq(ver_tree_count(&vers), 0);
	name_tree_destroy(&names);
	tag_tree_destroy(&tags);
	ver_tree_destroy(&vers);
}
END_TEST

/* --- against a model -------------------------------------------------- */

#define MODEL_KEYS 3000

/* The tree holds exactly the keys marked in `in`, each with its value. */
static void check_model(struct ttree *t, const char *in, const long *val)
{
	RCUSLOT_READ_SCOPE({
		const struct tent *o;
		long n = 0, want = 0;
		uint64_t prev = 0;

		RCU_TREE_FOREACH(ttree, t, o) {
			TCHECK(n == 0 || o->key > prev);
			TCHECK(o->key < MODEL_KEYS && in[o->key] &&
			       o->value == val[o->key]);
			prev = o->key;
			n++;
		}
		for (long k = 0; k < MODEL_KEYS; k++)
			want += in[k];
		TCHECK((n) == (want));
		TCHECK((ttree_count(t)) == ((unsigned long)want));
		for (uint64_t k = 0; k < MODEL_KEYS; k += 13) {
			const struct tent *fl = ttree_floor(t, k),
					  *ce = ttree_ceil(t, k);
			long j = (long)k;

			while (j >= 0 && !in[j])
				j--;
			TCHECK(j < 0 ? !fl : fl && fl->key == (uint64_t)j);
			j = (long)k;
			while (j < MODEL_KEYS && !in[j])
				j++;
			TCHECK(j == MODEL_KEYS ? !ce
					       : ce && ce->key == (uint64_t)j);
		}
	})
}

/*
 * Random single-key updates and transactions (a third of them aborted),
 * checked against an array after every step of a few hundred: the shapes
 * this meets (underfull nodes left by end splits, merges, borrows, root
 * collapses) are the ones a sweep by hand would miss.
 */
static void random_model(uint64_t seed)
{
	static struct ttree t;
	static char in[MODEL_KEYS], saved_in[MODEL_KEYS];
	static long val[MODEL_KEYS], saved_val[MODEL_KEYS];
	struct ttree_old old;

	memset(in, 0, sizeof(in));
	for (long step = 0; step < 8000; step++) {
		uint64_t k = rnd(&seed) % MODEL_KEYS;
		unsigned op = (unsigned)(rnd(&seed) % 8);

		if (op < 3) {
			struct tent *e = tent_new(k, step);
			int err = ttree_insert(&t, e);

			TCHECK((err) == (in[k] ? -EEXIST : 0));
			if (err)
				tent_free(e);
			else
				in[k] = 1, val[k] = step;
		} else if (op < 6) {
			TCHECK(ttree_remove(&t, k, &old) ==
			       (in[k] ? 0 : -ENOENT));
			in[k] = 0;
			ttree_old_defer(&old);
		} else if (op == 6) {
			TCHECK(ttree_upsert(&t, tent_new(k, step), &old) == 0);
			TCHECK(ttree_old_is_empty(&old) == !in[k]);
			in[k] = 1, val[k] = step;
			ttree_old_defer(&old);
		} else {
			struct ttree_txn x;
			struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
			long changes = (long)(rnd(&seed) % 200);
			int abort_it = rnd(&seed) % 3 == 0;
			struct tent *given[200];
			long ngiven = 0;

			memcpy(saved_in, in, sizeof(in));
			memcpy(saved_val, val, sizeof(val));
			TCHECK(ttree_txn_begin(&t, &x) == 0);
			for (long c = 0; c < changes; c++) {
				uint64_t j = rnd(&seed) % MODEL_KEYS;

				if (rnd(&seed) % 2) {
					struct tent *e =
						tent_new(j, step * 1000 + c);

					given[ngiven++] = e;
					TCHECK(ttree_txn_upsert(&x, e) == 0);
					in[j] = 1, val[j] = e->value;
				} else {
					TCHECK(ttree_txn_remove(&x, j) ==
					       (in[j] ? 0 : -ENOENT));
					in[j] = 0;
				}
			}
			if (abort_it) {
				ttree_txn_abort(&x);
				for (long g = 0; g < ngiven; g++)
					tent_free(given[g]);
				memcpy(in, saved_in, sizeof(in));
				memcpy(val, saved_val, sizeof(val));
			} else {
				TCHECK(ttree_txn_commit(&x, &b) == 0);
				rcuslot_batch_defer(&b);
			}
		}
		if (step % 200 == 0)
			check_model(&t, in, val);
	}
	check_model(&t, in, val);
	ttree_destroy(&t);
}

START_TEST(test_random_model)
{
	random_model(1);
	random_model(2);
}
END_TEST

/* --- single-key updates ------------------------------------------------ */

START_TEST(test_updates)
{
	static struct ttree t;
	struct ttree_old old;
	struct tent *a = tent_new(1, 100), *b = tent_new(1, 200),
		    *c = tent_new(2, 300);

	ck_assert_int_eq(ttree_insert(&t, a), 0);
	/* -EEXIST: the caller still owns b, the tree is unchanged. */
	ck_assert_int_eq(ttree_insert(&t, b), -EEXIST);
	ck_assert(tent_intact(b));
	ck_assert_uint_eq(ttree_count(&t), 1);
	/* replace: the old object comes back in the handle. */
	ck_assert_int_eq(ttree_replace(&t, b, &old), 0);
	ck_assert_ptr_eq(OLD_OBJ(old), a);
	ttree_old_free(&old);
	RCUSLOT_READ_SCOPE({ ck_assert_ptr_eq(ttree_find(&t, 1), b); })
	/* replace of an absent key: -ENOENT, empty handle, caller keeps c. */
	ck_assert_int_eq(ttree_replace(&t, c, &old), -ENOENT);
	ck_assert(ttree_old_is_empty(&old));
	/* upsert inserts (empty handle), then replaces. */
	ck_assert_int_eq(ttree_upsert(&t, c, &old), 0);
	ck_assert(ttree_old_is_empty(&old));
	{
		struct tent *c2 = tent_new(2, 301);

		ck_assert_int_eq(ttree_upsert(&t, c2, &old), 0);
		ck_assert_ptr_eq(OLD_OBJ(old), c);
		ttree_old_defer(&old);
	}
	ck_assert_uint_eq(ttree_count(&t), 2);
	ck_assert_int_eq(ttree_remove(&t, 1, &old), 0);
	ck_assert_ptr_eq(ttree_old_reclaim(&old), b);
	ck_assert(ttree_old_is_empty(&old));
	tent_free(b);
	ck_assert_int_eq(ttree_remove(&t, 1, &old), -ENOENT);
	ck_assert(ttree_old_is_empty(&old));
	ck_assert_uint_eq(ttree_count(&t), 1);
	{
		struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;

		ck_assert_int_eq(ttree_remove(&t, 2, &old), 0);
		ttree_batch_add(&batch, &old);
		ck_assert(ttree_old_is_empty(&old));
		rcuslot_batch_free(&batch);
	}
	ttree_destroy(&t);
}
END_TEST

/* copy_update's callback: `arg` says what to do, and counts the calls. */
struct copy_arg {
	int calls;
	int what; /* 0 add 1000 to the value, 1 remove, 2 no change, 3 fail, 4 wrong key */
	const struct tent *seen;
};

static int copy_fn(const struct tent *old, struct tent **new_out, void *p)
{
	struct copy_arg *a = p;

	a->calls++;
	a->seen = old;
	switch (a->what) {
	case 0:
		*new_out = tent_new(old ? old->key : 42,
				    old ? old->value + 1000 : 1);
		return 0;
	case 1:
		*new_out = NULL;
		return 0;
	case 2:
		*new_out = (struct tent *)old;
		return 0;
	case 3:
		return -EPERM;
	default:
		*new_out = tent_new(43, 0);
		return 0;
	}
}

START_TEST(test_copy_update)
{
	static struct ttree t;
	struct ttree_old old;
	struct copy_arg a = { 0, 0, NULL };

	/* Absent key: copy sees NULL, a new object inserts. */
	ck_assert_int_eq(ttree_copy_update(&t, 42, copy_fn, &a, &old), 0);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_ptr_null(a.seen);
	ck_assert(ttree_old_is_empty(&old));
	/* Present: replace, the old one in the handle. */
	ck_assert_int_eq(ttree_copy_update(&t, 42, copy_fn, &a, &old), 0);
	ck_assert_int_eq(a.calls, 2);
	ck_assert_ptr_eq(OLD_OBJ(old), a.seen);
	ttree_old_free(&old);
	RCUSLOT_READ_SCOPE(
		{ ck_assert_int_eq(ttree_find(&t, 42)->value, 1001); })
	/* No change, an error, a copy under another key: the tree as it was. */
	a.what = 2;
	ck_assert_int_eq(ttree_copy_update(&t, 42, copy_fn, &a, &old), 0);
	ck_assert(ttree_old_is_empty(&old));
	a.what = 3;
	ck_assert_int_eq(ttree_copy_update(&t, 42, copy_fn, &a, &old), -EPERM);
	ck_assert(ttree_old_is_empty(&old));
	a.what = 4;
	ck_assert_int_eq(ttree_copy_update(&t, 42, copy_fn, &a, &old), -EINVAL);
	ck_assert(ttree_old_is_empty(&old));
	ck_assert_int_eq(atomic_load(&tent_allocs) - atomic_load(&tent_frees),
			 1);
	RCUSLOT_READ_SCOPE({
		ck_assert_int_eq(ttree_find(&t, 42)->value, 1001);
		ck_assert_ptr_null(ttree_find(&t, 43));
	})
	/* An explicit NULL removes. */
	a.what = 1;
	ck_assert_int_eq(ttree_copy_update(&t, 42, copy_fn, &a, &old), 0);
	ck_assert(!ttree_old_is_empty(&old));
	ttree_old_free(&old);
	ck_assert_uint_eq(ttree_count(&t), 0);
	/* Removing an absent key is "no change". */
	ck_assert_int_eq(ttree_copy_update(&t, 42, copy_fn, &a, &old), 0);
	ck_assert(ttree_old_is_empty(&old));
	ck_assert_int_eq(a.calls, 7);
	ttree_destroy(&t);
}
END_TEST

/* --- transactions ------------------------------------------------------ */

START_TEST(test_txn)
{
	static struct ttree t;
	struct ttree_txn x;
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;
	struct tent *self = tent_new(500, 0), *dup = tent_new(99, 9);

	for (uint64_t k = 0; k < 100; k++)
		insert_key(&t, k, 0);
	ck_assert_int_eq(ttree_txn_begin(&t, &x), 0);
	for (uint64_t k = 100; k < 200; k++)
		ck_assert_int_eq(ttree_txn_insert(&x, tent_new(k, 1)), 0);
	for (uint64_t k = 0; k < 50; k++)
		ck_assert_int_eq(ttree_txn_remove(&x, k), 0);
	ck_assert_int_eq(ttree_txn_upsert(&x, tent_new(60, 2)), 0);
	ck_assert_int_eq(ttree_txn_insert(&x, self), 0);
	ck_assert_int_eq(ttree_txn_upsert(&x, tent_new(500, 3)),
			 0); /* takes out its own */
	/* Errors leave the transaction as it was, and usable. */
	ck_assert_int_eq(ttree_txn_insert(&x, dup), -EEXIST);
	ck_assert_int_eq(ttree_txn_remove(&x, 1000), -ENOENT);
	ck_assert_int_eq(ttree_txn_remove(&x, 10), -ENOENT);
	ck_assert_ptr_null(ttree_txn_find(&x, 10));
	ck_assert_int_eq(ttree_txn_find(&x, 60)->value, 2);
	ck_assert_int_eq(ttree_txn_find(&x, 150)->value, 1);
	/* Readers see none of it before the commit. */
	RCUSLOT_READ_SCOPE({
		ck_assert_ptr_null(ttree_find(&t, 150));
		ck_assert_ptr_nonnull(ttree_find(&t, 10));
		ck_assert_int_eq(ttree_find(&t, 60)->value, 0);
	})
	ck_assert_uint_eq(ttree_count(&t), 100);
	ck_assert_int_eq(ttree_txn_commit(&x, &batch), 0);
	/* The batch holds the 50 removed, the one replaced and its own. */
	ck_assert_uint_eq(rcuslot_batch_count(&batch), 52);
	ck_assert_int_eq(atomic_load(&tent_frees), 0);
	rcuslot_batch_free(&batch);
	ck_assert_int_eq(atomic_load(&tent_frees), 52);
	ck_assert_uint_eq(ttree_count(&t), 151);
	RCUSLOT_READ_SCOPE({
		ck_assert_ptr_null(ttree_find(&t, 10));
		ck_assert_int_eq(ttree_find(&t, 150)->value, 1);
		ck_assert_int_eq(ttree_find(&t, 60)->value, 2);
		ck_assert_int_eq(ttree_find(&t, 500)->value, 3);
	})
	tent_free(dup);
	ttree_destroy(&t);
}
END_TEST

START_TEST(test_txn_abort)
{
	static struct ttree t;
	struct ttree_txn x;
	struct tent *mine[20];

	for (uint64_t k = 0; k < 300; k++)
		insert_key(&t, k * 2, 0);
	ck_assert_int_eq(ttree_txn_begin(&t, &x), 0);
	for (int i = 0; i < 20; i++) {
		mine[i] = tent_new((uint64_t)i * 2 + 1, 1);
		ck_assert_int_eq(ttree_txn_insert(&x, mine[i]), 0);
	}
	for (uint64_t k = 0; k < 600; k += 4)
		ck_assert_int_eq(ttree_txn_remove(&x, k), 0);
	ck_assert_int_eq(ttree_txn_remove(&x, 5), 0); /* one of its own */
	ttree_txn_abort(&x);
	/* Nothing published, nothing freed; what it was given is ours again. */
	ck_assert_int_eq(atomic_load(&tent_frees), 0);
	ck_assert_uint_eq(ttree_count(&t), 300);
	RCUSLOT_READ_SCOPE({
		const struct tent *o;
		uint64_t want = 0;

		RCU_TREE_FOREACH(ttree, &t, o) {
			ck_assert_uint_eq(o->key, want);
			want += 2;
		}
	})
	for (int i = 0; i < 20; i++) {
		ck_assert(tent_intact(mine[i]));
		tent_free(mine[i]);
	}
	/* The lock is free again: another transaction and an update. */
	ck_assert_int_eq(ttree_txn_begin(&t, &x), 0);
	ttree_txn_abort(&x);
	insert_key(&t, 1, 0);
	ttree_destroy(&t);
}
END_TEST

#ifndef RCUSLOT_DEBUG
/* Release builds: a second begin on the tree by its holder says -EDEADLK. */
START_TEST(test_txn_deadlock_refused)
{
	static struct ttree t, other;
	struct ttree_txn x, y;
	struct ttree_old old;
	struct tent *e = tent_new(1, 0), *e2;

	ck_assert_int_eq(ttree_txn_begin(&t, &x), 0);
	ck_assert_int_eq(ttree_txn_begin(&t, &y), -EDEADLK);
	ck_assert_int_eq(ttree_insert(&t, e), -EDEADLK);
	ck_assert_int_eq(ttree_remove(&t, 1, &old), -EDEADLK);
	ck_assert(ttree_old_is_empty(&old));
	ck_assert_int_eq(ttree_txn_begin(&other, &y),
			 0); /* another tree is fine */
	ttree_txn_abort(&y);
	e2 = tent_new(2, 0);
	ck_assert_int_eq(ttree_txn_insert(&x, e2), 0);
	ttree_destroy(&t); /* by the holder: nothing done */
	ck_assert_ptr_nonnull(ttree_txn_find(&x, 2));
	ttree_txn_abort(&x);
	tent_free(e2);
	/* Used after its end: -EINVAL, nothing else. */
	ck_assert_int_eq(ttree_txn_insert(&x, e), -EINVAL);
	ck_assert_int_eq(ttree_insert(&t, e), 0);
	ttree_destroy(&t);
}
END_TEST
#endif

/* A transaction changes its own copies in place: about one copy per node it touches. */
START_TEST(test_txn_copies_once)
{
	static struct ttree t, u;
	struct ttree_txn x;
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;
	long before, txn_allocs, single_allocs;
	const long n = 10000;

	before = failalloc_calls();
	ck_assert_int_eq(ttree_txn_begin(&t, &x), 0);
	for (long i = 0; i < n; i++)
		ck_assert_int_eq(
			ttree_txn_insert(&x, tent_new((uint64_t)i * 3, 0)), 0);
	ck_assert_int_eq(ttree_txn_commit(&x, &batch), 0);
	txn_allocs = failalloc_calls() - before;
	before = failalloc_calls();
	for (long i = 0; i < n; i++)
		insert_key(&u, (uint64_t)i * 3, 0);
	single_allocs = failalloc_calls() - before;
	/* 10,000 keys fill about 313 leaves of 32; single updates copy a path each. */
	ck_assert_int_lt(txn_allocs, n / 16);
	ck_assert_int_gt(single_allocs, 2 * n);
	ttree_destroy(&t);
	ttree_destroy(&u);
}
END_TEST

/* --- views ------------------------------------------------------------- */

START_TEST(test_view)
{
	static struct ttree t;
	struct ttree_old old;

	for (uint64_t k = 1; k <= 100; k++)
		insert_key(&t, k, 0);
	rcuslot_read_lock();
	{
		struct ttree_view v = ttree_view(&t);
		const struct tent *o;
		long n = 0;

		/* Updates may run inside a section; the view keeps its version. */
		ck_assert_int_eq(ttree_remove(&t, 50, &old), 0);
		insert_key(&t, 1000, 0);
		ck_assert_ptr_null(ttree_find(&t, 50));
		ck_assert_ptr_nonnull(ttree_view_find(&v, 50));
		ck_assert_ptr_null(ttree_view_find(&v, 1000));
		ck_assert_uint_eq(ttree_view_count(&v), 100);
		ck_assert_uint_eq(ttree_count(&t), 100);
		ck_assert_uint_eq(ttree_view_last(&v)->key, 100);
		ck_assert_uint_eq(ttree_view_first(&v)->key, 1);
		ck_assert_uint_eq(ttree_view_floor(&v, 50)->key, 50);
		ck_assert_uint_eq(ttree_view_ceil(&v, 101 - 1)->key, 100);
		ck_assert_ptr_null(ttree_view_ceil(&v, 101));
		RCU_TREE_VIEW_FOREACH(ttree, &v, o)
			n++;
		ck_assert_int_eq(n, 100);
		n = 0;
		RCU_TREE_VIEW_FOREACH_RANGE(ttree, &v, o, 45, 55)
			n++;
		ck_assert_int_eq(n, 11);
	}
	rcuslot_read_unlock();
	ttree_old_free(&old);
	ttree_destroy(&t);
}
END_TEST

/* --- destroy and memory ------------------------------------------------ */

START_TEST(test_destroy_reuse_and_memory)
{
	static struct ttree t;
	long blocks;

	rcuslot_barrier();
	blocks = failalloc_live();
	for (int round = 0; round < 2; round++) {
		for (uint64_t k = 0; k < 4000; k++)
			insert_key(&t, k * 7919 % 4001, 0);
		ck_assert_int_gt(failalloc_live(), blocks + 4000 / 32);
		ttree_destroy(&t);
		ck_assert_int_eq(atomic_load(&tent_frees), 4000L * (round + 1));
		ck_assert_uint_eq(ttree_count(&t), 0);
		rcuslot_barrier();
		/* An empty tree holds no memory: every node is back. */
		ck_assert_int_eq(failalloc_live(), blocks);
	}
	/* Emptied by removals, too. */
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;

	for (uint64_t k = 0; k < 2000; k++)
		insert_key(&t, k, 0);
	for (uint64_t k = 0; k < 2000; k++) {
		struct ttree_old old;

		ck_assert_int_eq(ttree_remove(&t, k, &old), 0);
		ttree_batch_add(&batch, &old); /* one grace period for all */
	}
	rcuslot_batch_free(&batch);
	rcuslot_barrier();
	ck_assert_int_eq(failalloc_live(), blocks);
	ttree_destroy(&t);
}
END_TEST

Suite *tree_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("tree", &tc, tree_setup, tree_teardown);

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_signed_keys);
	tcase_add_test(tc, test_string_and_custom_keys);
	tcase_add_test(tc, test_random_model);
	tcase_add_test(tc, test_updates);
	tcase_add_test(tc, test_copy_update);
	tcase_add_test(tc, test_txn);
	tcase_add_test(tc, test_txn_abort);
#ifndef RCUSLOT_DEBUG
	tcase_add_test(tc, test_txn_deadlock_refused);
#endif
	tcase_add_test(tc, test_txn_copies_once);
	tcase_add_test(tc, test_view);
	tcase_add_test(tc, test_destroy_reuse_and_memory);
	return s;
}
