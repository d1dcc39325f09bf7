/* SPDX-License-Identifier: MIT */
/*
 * The short examples on the RCU list's reference pages (rcuslot/list.h's
 * contracts show each block between two "[name]" marker lines with
 * @snippet).
 * `scons check` builds and runs this program, so every example there
 * compiles and does what its page says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rcuslot/rcuslot.h>

/* [define] */
struct hook {
	int prio;                      /* lower runs first */
	int (*fn)(void *ctx);          /* non-zero: stop the chain */
	struct rcuslot_list_node node; /* the list's link */
};

static void hook_free(struct hook *h)
{
	free(h);
}

RCU_LIST_DEFINE(hook_list, struct hook, node, hook_free);

static struct hook_list hooks = RCU_LIST_INITIALIZER(hooks);
/* [define] */

static int calls;
static int count_call(void *ctx)
{
	(void)ctx;
	calls++;
	return 0;
}
static int stop_here(void *ctx)
{
	(void)ctx;
	return 1;
}

static struct hook *hook_new(int prio, int (*fn)(void *))
{
	struct hook *h = malloc(sizeof(*h)); /* the node needs no set-up */

	if (h) {
		h->prio = prio;
		h->fn = fn;
	}
	return h;
}

/* [init] */
struct plugin {
	struct hook_list hooks; /* a list inside another object */
	char name[16];
};

static struct plugin *plugin_new(const char *name)
{
	struct plugin *p = malloc(sizeof(*p));

	if (!p)
		return NULL;
	hook_list_init(&p->hooks);
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}
/* [init] */

/* [destroy] */
static void plugin_free(struct plugin *p)
{
	hook_list_destroy(&p->hooks); /* every hook freed when it returns */
	free(p);
}
/* [destroy] */

/* [foreach] */
static int run_hooks(void *ctx)
{
	const struct hook *h;
	int ran = 0;

	RCUSLOT_READ_SCOPE({
		RCU_LIST_FOREACH(hook_list, &hooks, h) {
			ran++;
			if (h->fn(ctx))
				break; /* leaves the walk; the scope unlocks */
		}
	})
	return ran;
}
/* [foreach] */

/* [first] */
static int first_prio(void)
{
	const struct hook *h;
	int prio = -1;

	rcuslot_read_lock();
	h = hook_list_first(&hooks);
	if (h)
		prio = h->prio;
	rcuslot_read_unlock();
	return prio;
}
/* [first] */

/* [add] */
static void add_default_hooks(void)
{
	struct hook *a = hook_new(10, count_call),
		    *b = hook_new(20, count_call);

	if (a)
		hook_list_add_tail(&hooks, a);
	if (b)
		hook_list_add_tail(&hooks, b);
}
/* [add] */

/* [locked] */
/* Insert in priority order: find the place and link, under one lock hold. */
static void add_sorted(struct hook *n)
{
	struct hook *h;

	hook_list_lock(&hooks);
	RCU_LIST_FOREACH_LOCKED(hook_list, &hooks, h)
		if (h->prio > n->prio)
			break;
	if (!h)
		hook_list_add_tail_locked(&hooks, n);
	else if (hook_list_add_before_locked(&hooks, h, n) != 0)
		abort(); /* not reached: h is linked while we hold the lock */
	hook_list_unlock(&hooks);
}
/* [locked] */

/* [add_after] */
/* Add n right after the hook of priority prio, if there still is one. */
static int add_after_prio(int prio, struct hook *n)
{
	const struct hook *h;
	int err = -ENOENT;

	RCUSLOT_READ_SCOPE({
		RCU_LIST_FOREACH(hook_list, &hooks, h)
			if (h->prio == prio)
				break;
		if (h) /* -ENOENT if h was removed since we found it */
			err = hook_list_add_after(&hooks, h, n);
	})
	return err; /* on error n is still ours */
}
/* [add_after] */

/* [remove] */
static int remove_prio(int prio)
{
	struct hook_list_old old = { NULL };
	const struct hook *h;

	RCUSLOT_READ_SCOPE({
		RCU_LIST_FOREACH(hook_list, &hooks, h)
			if (h->prio == prio)
				break;
		if (h) /* empty if another updater removed h first */
			old = hook_list_remove(&hooks, h);
	})
	if (hook_list_old_is_empty(&old))
		return -ENOENT;
	hook_list_old_defer(&old); /* after the section: it may wait */
	return 0;
}
/* [remove] */

/* [replace] */
/* Give the hook of priority prio another function, in place. */
static int set_fn(int prio, int (*fn)(void *))
{
	struct hook *n = hook_new(prio, fn);
	struct hook_list_old old;
	int err = -ENOENT;

	if (!n)
		return -ENOMEM;
	RCUSLOT_READ_SCOPE({
		const struct hook *h;

		RCU_LIST_FOREACH(hook_list, &hooks, h)
			if (h->prio == prio)
				break;
		if (h)
			err = hook_list_replace(&hooks, h, n, &old);
	})
	if (err) { /* none, or gone meanwhile: n was never published */
		free(n);
		return err;
	}
	hook_list_old_free(&old); /* waits for readers still running h */
	return 0;
}
/* [replace] */

/* [reclaim] */
/* Take the first hook out and reuse it once no reader can see it. */
static void recycle_first(int new_prio)
{
	struct hook_list_old old = { NULL };
	struct hook *h;

	RCUSLOT_READ_SCOPE({
		const struct hook *first = hook_list_first(&hooks);

		if (first)
			old = hook_list_remove(&hooks, first);
	})
	h = hook_list_old_reclaim(&old); /* NULL if nothing was taken */
	if (h) {
		h->prio = new_prio; /* ours again: no reader can see it */
		add_sorted(h);
	}
}
/* [reclaim] */

/* [batch] */
/* Remove every hook of at least min_prio; one grace period for all. */
static size_t remove_from(int min_prio)
{
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;
	struct hook *h;
	size_t n;

	hook_list_lock(&hooks);
	RCU_LIST_FOREACH_LOCKED(hook_list, &hooks, h) {
		if (h->prio >= min_prio) {
			struct hook_list_old old =
				hook_list_remove_locked(&hooks, h);

			hook_list_batch_add(&batch, &old);
		}
	}
	hook_list_unlock(&hooks);
	n = rcuslot_batch_count(&batch);
	rcuslot_batch_free(&batch); /* outside the lock: it waits */
	return n;
}
/* [batch] */

static int failures;
static void expect(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "list_snippets: FAILED: %s\n", what);
		failures++;
	}
}

int main(void)
{
	struct plugin *p;

	rcuslot_register_thread();
	expect(hook_list_empty(&hooks) && first_prio() == -1, "empty list");
	add_default_hooks();
	expect(first_prio() == 10 && run_hooks(NULL) == 2 && calls == 2,
	       "add_tail, foreach");
	add_sorted(hook_new(15, stop_here));
	expect(run_hooks(NULL) == 2 && calls == 3,
	       "sorted insert stops the chain at 15");
	expect(add_after_prio(10, hook_new(12, count_call)) == 0, "add_after");
	{
		struct hook *n = hook_new(99, count_call);

		expect(add_after_prio(77, n) == -ENOENT,
		       "add_after: no such hook");
		free(n);
	}
	expect(set_fn(15, count_call) == 0 && run_hooks(NULL) == 4, "replace");
	expect(set_fn(77, count_call) == -ENOENT, "replace: no such hook");
	expect(remove_prio(12) == 0 && remove_prio(12) == -ENOENT, "remove");
	recycle_first(30);
	expect(first_prio() == 15, "old_reclaim, then back in at 30");
	expect(remove_from(20) == 2 && first_prio() == 15,
	       "batch of 20 and 30");
	p = plugin_new("demo");
	expect(p != NULL, "malloc");
	if (p) {
		hook_list_add_head(&p->hooks, hook_new(1, count_call));
		plugin_free(p);
	}
	hook_list_destroy(&hooks);
	expect(hook_list_empty(&hooks), "destroy");
	rcuslot_barrier();
	rcuslot_unregister_thread();
	if (failures)
		return 1;
	printf("list_snippets: every example did what its page says\n");
	return 0;
}
