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
#define RCUSLOT_VERSION_MINOR 1
/** Patch version: fixes only. */
#define RCUSLOT_VERSION_PATCH 0
/** The version as a string, "MAJOR.MINOR.PATCH". */
#define RCUSLOT_VERSION_STRING "0.1.0"
/** The version as one comparable number: 0xMMmmpp. */
#define RCUSLOT_VERSION                                                        \
	((RCUSLOT_VERSION_MAJOR << 16) | (RCUSLOT_VERSION_MINOR << 8) |        \
	 RCUSLOT_VERSION_PATCH)

/** @} */

#endif /* RCUSLOT_VERSION_H */
