/* SPDX-License-Identifier: MIT */
/*
 * For linking a liburcu built against glibc 2.38 or later (Debian trixie's
 * 0.15.2) on an older glibc (bookworm's 2.36), as the CI leg against 0.15.2
 * does. glibc 2.38 compiles strtol and strtoul calls in C2x mode, and in
 * GNU mode when _GNU_SOURCE is defined, to __isoc23_strtol and
 * __isoc23_strtoul, which also accept a "0b" prefix in bases 0 and 2.
 * liburcu calls them only to read decimal CPU numbers from sysfs, where the
 * two behave the same, so the older functions are exact stand-ins. Only the
 * 0.15.2 CI configurations link this file; it is no part of rcuslot.
 */
#include <stdlib.h>

/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): glibc's own names */
long __isoc23_strtol(const char *nptr, char **endptr, int base);
unsigned long __isoc23_strtoul(const char *nptr, char **endptr, int base);

long __isoc23_strtol(const char *nptr, char **endptr, int base)
{
	return strtol(nptr, endptr, base);
}

unsigned long __isoc23_strtoul(const char *nptr, char **endptr, int base)
{
	return strtoul(nptr, endptr, base);
}
/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
