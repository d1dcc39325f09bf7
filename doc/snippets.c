/* SPDX-License-Identifier: MIT */
/*
 * The short examples on the reference pages (rcuslot/slot.h's contracts show
 * each block between two "[name]" marker lines with @snippet). `scons check`
 * builds and runs this program, so every example in the documentation
 * compiles and does what its page says.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

/* [define] */
struct config {
	int a, b;
};

static void config_free(struct config *c)
{
	free(c);
}

RCU_SLOT_DEFINE(cfg_slot, struct config, config_free);

static struct cfg_slot cfg = RCU_SLOT_INITIALIZER(NULL);
/* [define] */

static struct config *config_new(int a, int b)
{
	struct config *c = malloc(sizeof(*c));

	if (c) {
		c->a = a;
		c->b = b;
	}
	return c;
}

/* [init] */
struct service {
	struct cfg_slot cfg; /* a slot inside another object */
	int id;
};

static struct service *service_new(int id, struct config *first)
{
	struct service *s = malloc(sizeof(*s));

	if (!s)
		return NULL;
	s->id = id;
	cfg_slot_init(&s->cfg, first); /* first may be NULL */
	return s;
}
/* [init] */

static void service_free(struct service *s)
{
	cfg_slot_destroy(&s->cfg);
	free(s);
}

/* [dereference] */
static int config_get_a(void)
{
	RCUSLOT_READ_GUARD(); /* read-side critical section to end of scope */
	const struct config *c = cfg_slot_dereference(&cfg);

	return c ? c->a : -1; /* copy out: c is not valid after the guard */
}
/* [dereference] */

/* [dereference_protected] */
static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER; /* updaters */

static int config_set_b(int b)
{
	struct config *fresh = malloc(sizeof(*fresh));
	const struct config *cur;
	struct cfg_slot_old old;

	if (!fresh)
		return -1;
	pthread_mutex_lock(&cfg_lock);
	cur = cfg_slot_dereference_protected(&cfg);
	*fresh = cur ? *cur : (struct config){ 0 };
	fresh->b = b;
	old = cfg_slot_replace(&cfg, fresh);
	pthread_mutex_unlock(&cfg_lock);
	cfg_slot_old_free(&old); /* outside the lock: it waits */
	return 0;
}
/* [dereference_protected] */

/* [copy_update] */
static int add_to_a(const struct config *old, struct config **new_out, void *arg)
{
	struct config *c = malloc(sizeof(*c));

	if (!c)
		return -1; /* copy_update returns -1, the slot is unchanged */
	*c = old ? *old : (struct config){ 0 };
	c->a += *(const int *)arg;
	*new_out = c;
	return 0; /* no side effects: this may run more than once */
}

static int config_add_to_a(int delta)
{
	struct cfg_slot_old old;
	int err = cfg_slot_copy_update(&cfg, add_to_a, &delta, &old);

	if (err)
		return err;
	cfg_slot_old_defer(&old);
	return 0;
}
/* [copy_update] */

/* [replace] */
static int config_publish(int a, int b)
{
	struct config *fresh = config_new(a, b); /* built before publishing */
	struct cfg_slot_old old;

	if (!fresh)
		return -1;
	old = cfg_slot_replace(&cfg, fresh);
	cfg_slot_old_free(&old); /* readers may still hold the old one */
	return 0;
}
/* [replace] */

/* [old_is_empty] */
static int keep_a_positive(const struct config *old, struct config **new_out, void *arg)
{
	(void)arg;
	if (old && old->a > 0) {
		*new_out = (struct config *)old; /* no change */
		return 0;
	}
	*new_out = config_new(1, old ? old->b : 0);
	return *new_out ? 0 : -1;
}

static int config_make_a_positive(void)
{
	struct cfg_slot_old old;

	if (cfg_slot_copy_update(&cfg, keep_a_positive, NULL, &old) != 0)
		return -1;
	if (cfg_slot_old_is_empty(&old))
		return 0; /* nothing changed, nothing to retire */
	cfg_slot_old_free(&old);
	return 1;
}
/* [old_is_empty] */

/* [old_free] */
static void config_clear(void)
{
	struct cfg_slot_old old = cfg_slot_replace(&cfg, NULL);

	cfg_slot_old_free(&old); /* waits for a grace period, then config_free */
}
/* [old_free] */

/* [old_reclaim] */
/* Double buffering: two objects take turns, nothing is allocated. */
static struct config *spare;

static void config_flip(int a, int b)
{
	struct config *next = spare;
	struct cfg_slot_old old;

	next->a = a; /* private: no reader can see it */
	next->b = b;
	old = cfg_slot_replace(&cfg, next);
	spare = cfg_slot_old_reclaim(&old); /* private again once this returns */
}
/* [old_reclaim] */

/* [old_defer] */
static void on_new_limits(int a, int b) /* an event loop: must not block */
{
	struct config *fresh = config_new(a, b);
	struct cfg_slot_old old;

	if (!fresh)
		return;
	old = cfg_slot_replace(&cfg, fresh);
	cfg_slot_old_defer(&old); /* config_free runs later, in liburcu's thread */
}
/* [old_defer] */

/* [define_head] */
struct route {
	long dst, via;
	struct rcu_head rcu; /* carries the route through call_rcu */
};

static int routes_freed;

static void route_free(struct route *r)
{
	routes_freed++; /* by this thread, or later by call_rcu's worker */
	free(r);
}

RCU_SLOT_DEFINE_HEAD(route_slot, struct route, rcu, route_free);
/* [define_head] */

/* [batch_add] */
#define NROUTES 16
static struct route_slot table[NROUTES]; /* static: empty slots */

/* Replace every route and the config: one grace period for all of them. */
static int table_rebuild(long via, struct config *fresh)
{
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;
	struct cfg_slot_old old_cfg;
	int i;

	for (i = 0; i < NROUTES; i++) {
		struct route *r = malloc(sizeof(*r));
		struct route_slot_old old;

		if (!r)
			break;
		r->dst = i;
		r->via = via;
		old = route_slot_replace(&table[i], r);
		route_slot_batch_add(&batch, &old); /* empty handles add nothing */
	}
	old_cfg = cfg_slot_replace(&cfg, fresh);
	cfg_slot_batch_add(&batch, &old_cfg); /* slot types may be mixed */
	rcuslot_batch_free(&batch); /* one grace period, then each free_fn */
	return i;
}
/* [batch_add] */

static void table_clear(void)
{
	struct rcuslot_batch batch;
	int i;

	rcuslot_batch_init(&batch);
	for (i = 0; i < NROUTES; i++) {
		struct route_slot_old old = route_slot_replace(&table[i], NULL);

		route_slot_batch_add(&batch, &old);
	}
	rcuslot_batch_defer(&batch); /* one call_rcu for the whole batch */
}

/* [destroy] */
static void shutdown_config(void)
{
	cfg_slot_destroy(&cfg); /* the slot is empty afterwards */
	rcuslot_barrier();      /* every deferred config_free has run */
}
/* [destroy] */

static int failures;

static void expect(int ok, const char *what)
{
	if (!ok) {
		printf("snippets: FAILED: %s\n", what);
		failures++;
	}
}

int main(void)
{
	struct service *svc;

	rcuslot_register_thread();

	expect(config_get_a() == -1, "an empty slot reads as -1");
	expect(config_publish(1, 2) == 0 && config_get_a() == 1, "replace");
	expect(config_set_b(5) == 0, "dereference_protected");
	expect(cfg_slot_dereference_protected(&cfg)->b == 5, "b was set");
	expect(config_add_to_a(41) == 0 && config_get_a() == 42, "copy_update");
	expect(config_make_a_positive() == 0, "a > 0: no change");
	config_clear();
	expect(config_get_a() == -1, "old_free");
	expect(config_make_a_positive() == 0 && config_get_a() == 1,
	       "an empty slot: a config published, nothing retired");
	on_new_limits(-3, 0);
	expect(config_make_a_positive() == 1 && config_get_a() == 1,
	       "a <= 0: replaced");

	config_clear();
	spare = config_new(0, 0);
	expect(spare != NULL, "malloc");
	cfg_slot_init(&cfg, config_new(0, 0));
	config_flip(7, 8);
	expect(config_get_a() == 7 && spare && spare->a == 0, "old_reclaim");
	config_flip(9, 10);
	expect(config_get_a() == 9 && spare && spare->a == 7, "old_reclaim again");
	free(spare);

	{
		unsigned long gps = rcuslot_grace_periods_waited();

		expect(table_rebuild(1, config_new(1, 1)) == NROUTES &&
			       rcuslot_grace_periods_waited() == gps + 1,
		       "batch: a first table, the old config retired");
		expect(table_rebuild(2, config_new(2, 2)) == NROUTES &&
			       rcuslot_grace_periods_waited() == gps + 2 &&
			       routes_freed == NROUTES,
		       "batch: sixteen routes and a config, one grace period");
		table_clear();
		rcuslot_barrier();
		expect(routes_freed == 2 * NROUTES && rcuslot_defer_pending() == 0,
		       "batch_defer: every route freed after the barrier");
	}

	svc = service_new(1, config_new(3, 4));
	expect(svc && cfg_slot_dereference_protected(&svc->cfg)->a == 3, "init");
	if (svc)
		service_free(svc);

	shutdown_config();
	expect(config_get_a() == -1, "destroy");
	rcuslot_unregister_thread();
	printf("snippets: %s\n", failures ? "FAILED" : "all examples work");
	return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
