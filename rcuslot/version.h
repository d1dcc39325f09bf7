/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/version.h
 * @brief rcuslot's version, for compile-time checks.
 */
#ifndef RCUSLOT_VERSION_H
#define RCUSLOT_VERSION_H

/** @addtogroup rcuslot_version
 * @{
 */

/** Major version: changes when the API or ABI breaks. */
#define RCUSLOT_VERSION_MAJOR 0
/** Minor version: new API, compatible. */
#define RCUSLOT_VERSION_MINOR 2
/** Patch version: fixes only. */
#define RCUSLOT_VERSION_PATCH 0
/** @cond RCUSLOT_INTERNAL */
#define RCUSLOT_PRIV_VSTR2(x) #x
/* NOLINTNEXTLINE(bugprone-macro-parentheses): pasted into one token sequence */
#define RCUSLOT_PRIV_VSTR(maj, min, pat) RCUSLOT_PRIV_VSTR2(maj.min.pat)
/** @endcond */
/** The version as a string, "MAJOR.MINOR.PATCH", made from the numbers above. */
#define RCUSLOT_VERSION_STRING                                                 \
	RCUSLOT_PRIV_VSTR(RCUSLOT_VERSION_MAJOR, RCUSLOT_VERSION_MINOR, RCUSLOT_VERSION_PATCH)
/** The version as one comparable number: 0xMMmmpp. */
#define RCUSLOT_VERSION                                                        \
	((RCUSLOT_VERSION_MAJOR << 16) | (RCUSLOT_VERSION_MINOR << 8) |        \
	 RCUSLOT_VERSION_PATCH)

/** @} */

#endif /* RCUSLOT_VERSION_H */
