/* SPDX-License-Identifier: MIT */
/* Storing into the slot's pointer directly skips the release and leaks the old object. */
/* expect-error: 'rcuslot_priv_ptr' is deprecated: rcuslot: use cfg_slot_dereference */
#include "cf.h"

void f(struct cfg_slot *s, struct config *c);
void f(struct cfg_slot *s, struct config *c)
{
#ifdef RCUSLOT_CF_OK
	struct cfg_slot_old old = cfg_slot_replace(s, c);

	cfg_slot_old_defer(&old);
#else
	s->rcuslot_priv_ptr = c;
#endif
}
