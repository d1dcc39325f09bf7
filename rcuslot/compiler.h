/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/compiler.h
 * @brief Compiler glue shared by the rcuslot headers (C and C++, gcc and clang).
 *
 * Nothing here is API: every name is `RCUSLOT_PRIV_*` and may change.
 */
#ifndef RCUSLOT_COMPILER_H
#define RCUSLOT_COMPILER_H

/** @cond RCUSLOT_INTERNAL */

#include <stddef.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#if !defined(__GNUC__) && !defined(__clang__)
#error "rcuslot needs gcc or clang (liburcu's headers rely on GNU C extensions)"
#endif

#define RCUSLOT_PRIV_CAT2(a, b) a##b
#define RCUSLOT_PRIV_CAT(a, b) RCUSLOT_PRIV_CAT2(a, b)
#define RCUSLOT_PRIV_STR2(x) #x
#define RCUSLOT_PRIV_STR(x) RCUSLOT_PRIV_STR2(x)

/* A name no other expansion on the same line can collide with. */
#define RCUSLOT_PRIV_UNIQUE(prefix) RCUSLOT_PRIV_CAT(prefix, __COUNTER__)

/*
 * Generated functions are static inline, like sys/tree.h's: each translation
 * unit that defines a slot gets its own copy, and the ones it never calls
 * must not warn.
 */
#ifdef RCUSLOT_DEBUG
/* Debug checks find their caller by return address: never inline. */
#define RCUSLOT_PRIV_FUNC static __attribute__((unused, noinline))
#else
#define RCUSLOT_PRIV_FUNC static inline __attribute__((unused))
#endif
#define RCUSLOT_PRIV_MUST_USE __attribute__((warn_unused_result))
#define RCUSLOT_PRIV_COLD __attribute__((cold, noinline))
/* A macro kept under an old name warns where it is used (gcc; clang: guard.h). */
#if defined(__clang__)
#define RCUSLOT_PRIV_DEPRECATED(msg)
#else
#define RCUSLOT_PRIV_DEPRECATED(msg) _Pragma(RCUSLOT_PRIV_STR(GCC warning msg))
#endif

/*
 * `.member =` in the containers' static initializers, so that one given
 * the wrong container names a member that container lacks: a compile
 * error instead of a pointer stored where another container keeps
 * something else. C++ has designators from C++20 on (clang warns of them
 * before, under -pedantic); older C++ gets the positional form.
 */
#if !defined(__cplusplus) || __cplusplus >= 202002L
#define RCUSLOT_PRIV_DESIGNATED(member) .member =
#else
#define RCUSLOT_PRIV_DESIGNATED(member)
#endif

/*
 * One member-type check for every generator that takes a member name (the
 * intrusive slot's rcu_head, the counted slot's counter, the list's and the
 * map's nodes), placed before the generated functions so that a wrong
 * member stops at one message: "GEN(name): member must be a struct x".
 * C: _Generic (the member converted as an rvalue: qualifiers dropped, an
 * array decayed, so never a match); C++: the compilers' __is_same.
 */
/* NOLINTBEGIN(bugprone-macro-parentheses): types and member names, as in slot.h */
#ifdef __cplusplus
#define RCUSLOT_PRIV_MEMBER_IS(type, member, mtype)                            \
	__is_same(decltype(((type *)0)->member), mtype)
#else
#define RCUSLOT_PRIV_MEMBER_IS(type, member, mtype)                            \
	_Generic(((type *)0)->member, mtype: 1, default: 0)
#endif
#define RCUSLOT_PRIV_CHECK_MEMBER(gen, name, type, member, mtype)              \
	RCUSLOT_PRIV_STATIC_ASSERT(RCUSLOT_PRIV_MEMBER_IS(type, member, mtype), \
				   gen "(" #name "): " #member " must be a " #mtype)

/*
 * One node<->object idiom: the `mtype` that is `member` of the object at
 * obj, and the `type` whose `member` is at node (caa_container_of's
 * arithmetic). Both cast through void *, so that a member of the wrong type
 * is reported once, by RCUSLOT_PRIV_CHECK_MEMBER, and not again at every
 * use. They drop const: the kit writes its own nodes (a counter, a link)
 * inside objects its users see as const.
 */
#define RCUSLOT_PRIV_NODE_OF(mtype, obj, member) ((mtype *)(void *)&(obj)->member)
#define RCUSLOT_PRIV_OBJ_OF(type, member, node)                                \
	((type *)(void *)((char *)(node) - offsetof(type, member)))
/* NOLINTEND(bugprone-macro-parentheses) */

/* What librcuslot exports (it is built with -fvisibility=hidden). */
#define RCUSLOT_PRIV_EXPORT __attribute__((visibility("default")))

/*
 * clang warns even on a positional initializer of a deprecated member (gcc
 * does not, and does not accept a pragma inside an initializer).
 */
#if defined(__clang__)
#define RCUSLOT_PRIV_ALLOW_DEPRECATED_BEGIN                                    \
	_Pragma("clang diagnostic push")                                       \
	_Pragma("clang diagnostic ignored \"-Wdeprecated-declarations\"")
#define RCUSLOT_PRIV_ALLOW_DEPRECATED_END _Pragma("clang diagnostic pop")
#else
#define RCUSLOT_PRIV_ALLOW_DEPRECATED_BEGIN
#define RCUSLOT_PRIV_ALLOW_DEPRECATED_END
#endif

#if defined(__cplusplus)
#define RCUSLOT_PRIV_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#define RCUSLOT_PRIV_BEGIN_DECLS extern "C" {
#define RCUSLOT_PRIV_END_DECLS }
#else
#define RCUSLOT_PRIV_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#define RCUSLOT_PRIV_BEGIN_DECLS
#define RCUSLOT_PRIV_END_DECLS
#endif

/*
 * liburcu 0.13's rcu_set_pointer() (via CMM_STORE_SHARED) uses the value of
 * an assignment to a volatile object, which C++20 deprecates; clang++
 * -std=c++20 warns at our expansion of it (g++ does not: the macro is from a
 * system header). The generated functions are wrapped in these, so user code
 * around them keeps the warning.
 */
#if defined(__cplusplus) && defined(__clang__)
#define RCUSLOT_PRIV_GENERATED_BEGIN                                           \
	_Pragma("clang diagnostic push")                                       \
	_Pragma("clang diagnostic ignored \"-Wdeprecated-volatile\"")
#define RCUSLOT_PRIV_GENERATED_END _Pragma("clang diagnostic pop")
#else
#define RCUSLOT_PRIV_GENERATED_BEGIN
#define RCUSLOT_PRIV_GENERATED_END
#endif

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RCUSLOT_PRIV_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define RCUSLOT_PRIV_TSAN 1
#endif

/*
 * ThreadSanitizer cannot see the ordering the kit relies on: liburcu 0.13's
 * atomics are inline assembly and its grace periods wait in uninstrumented
 * code. Under TSan the kit names each happens-before edge it relies on
 * (BIND 9 does the same over liburcu); elsewhere these expand to nothing
 * and evaluate nothing. Each release is paired with an acquire on the same
 * address:
 * - publish: RELEASE(obj) before the pointer store (init, replace,
 *   copy_update) pairs with ACQUIRE(obj) after the pointer load
 *   (dereference, copy_update's read, replace's unpublish);
 * - grace period: RELEASE(&rcuslot_priv_tsan_gp) when a reader may no
 *   longer hold pointers (read_unlock, quiescent_state, thread_offline,
 *   unregister) pairs with ACQUIRE(&rcuslot_priv_tsan_gp) once a grace
 *   period has passed (after synchronize, at the start of each call_rcu
 *   callback), before any free_fn runs;
 * - deferral: RELEASE(head) before call_rcu pairs with ACQUIRE(head) at the
 *   start of the callback, on liburcu's worker thread.
 * liburcu 0.15's inlined loads and stores are atomics TSan sees: there the
 * publish edge is named only around the exchanges, on the slot's address
 * (slot.h; RCUSLOT_PRIV_URCU_TSAN in flavor.h). The other edges stay.
 * These calls are all a TSan build adds: no header or library source swaps
 * in other code under TSan (list.h's links are C11 atomics in every
 * build), so TSan checks the code every build runs.
 */
#ifdef RCUSLOT_PRIV_TSAN
RCUSLOT_PRIV_BEGIN_DECLS
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
RCUSLOT_PRIV_END_DECLS
#define RCUSLOT_PRIV_TSAN_RELEASE(addr) __tsan_release((void *)(addr))
#define RCUSLOT_PRIV_TSAN_ACQUIRE(addr) __tsan_acquire((void *)(addr))
#else
#define RCUSLOT_PRIV_TSAN_RELEASE(addr) ((void)0)
#define RCUSLOT_PRIV_TSAN_ACQUIRE(addr) ((void)0)
#endif

/*
 * The slot's pointer lives in its own address space for sparse, as the
 * kernel's __rcu pointers do (liburcu empties __rcu itself, hence a name
 * of our own): only the kit's accessors cast it away, so
 * `make C=1`-style checking (scons sparse) flags any direct access.
 */
#ifdef __CHECKER__
#define RCUSLOT_PRIV_RCU __attribute__((noderef, address_space(__rcuslot)))
#define RCUSLOT_PRIV_FORCE __attribute__((force))
#else
#define RCUSLOT_PRIV_RCU
#define RCUSLOT_PRIV_FORCE
#endif

/** @endcond */

#endif /* RCUSLOT_COMPILER_H */
