/* SPDX-License-Identifier: MIT */
/* A custom map's hash must take the key type: a mismatch fails at the DEFINE. */
/* expect-error-gcc: initialization of 'long unsigned int \(\*\)\(const char \*\)' from incompatible pointer type */
/* expect-error-clang: incompatible function pointer types initializing 'unsigned long \(\*\)\(host_map_key\)' \(aka 'unsigned long \(\*\)\(const char \*\)'\) */
#include "map_cf.h"

struct host {
	const char *name;
	struct rcuslot_map_node node;
};
static inline void host_free(struct host *h) { free(h); }

#ifdef RCUSLOT_CF_OK
static inline unsigned long host_hash(const char *name) { return rcuslot_map_hash_string(name); }
#else
static inline unsigned long host_hash(const unsigned char *name)
{
	return rcuslot_map_hash_string((const char *)name);
}
#endif

RCU_MAP_DEFINE_CUSTOM(host_map, struct host, node, name, const char *, host_hash,
		      rcuslot_map_string_eq, host_free);
