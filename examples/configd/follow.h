/* SPDX-License-Identifier: MIT */
/*
 * Following the config file wherever its path leads: through symlinks (the
 * file's own, and those in its directories, such as Kubernetes' "..data"),
 * and across directories that are renamed away, removed or recreated.
 *
 * The path is resolved one component at a time, as the kernel does, and
 * every directory it passes through is watched with inotify for the one
 * entry the path takes there: each symlink in its own directory (a link
 * swapped by rename, or removed and made again), each directory in its
 * parent (one renamed away or recreated), and the file in the directory
 * that really holds it (written in place, or renamed over). Events for
 * other entries are ignored. After every change the resolution is run
 * again and the watches follow it (re-armed).
 *
 * Where a watch cannot be set (the inotify limits, a directory that cannot
 * be read), or with --poll, the identity of the file the path resolves to
 * (device, inode, size, modification and change times) is compared every
 * FOLLOW_POLL_MS instead, and a change is read once it has stayed for one
 * more check. configd(8) documents both.
 *
 * Everything here runs on the control thread only.
 */
#ifndef CONFIGD_FOLLOW_H
#define CONFIGD_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define FOLLOW_POLL_MS 500	/* identity checks when polling */
#define FOLLOW_MAX_LINKS 40	/* symlinks followed in one resolution, as Linux */

/* The entry the path takes in one watched directory. */
struct follow_entry {
	int wd;			/* the directory's inotify watch */
	char *dir;		/* its path, as the resolution reached it */
	char *name;		/* the entry */
};

/* What polling compares: the file the path resolves to, or why none. */
struct follow_id {
	int err;		/* stat()'s errno; 0: the fields below are set */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct follow {
	const char *path;	/* the config's path, as given */
	int fd;			/* inotify, or -1 (none could be had, or --poll) */
	bool forced;		/* --poll: never use inotify */
	bool polling;		/* some watch is missing: polling too */
	bool found;		/* the last resolution reached an existing entry */
	struct follow_entry *entries;
	size_t n_entries, cap_entries;
	struct follow_id last;	/* polling: the identity when last armed */
	struct follow_id seen;	/* polling: the identity at the last check */
	int64_t next_poll_ms;	/* polling: when to look again */
};

/*
 * Set f up to follow path (which must outlive f) and arm it: with inotify,
 * or by polling when poll is true or inotify cannot watch the path (said
 * on stderr). Never fails: polling needs no resource. Call before the
 * config is first read, for the reason follow_arm() gives.
 */
void follow_init(struct follow *f, const char *path, bool poll);

/*
 * Resolve the path again and move the watches to where it leads now; when
 * polling, take the current identity as seen. Call before every reload
 * that is not follow_changed()'s, so that the reload reads the file after
 * the watches are set: a change made later raises an event or shows in
 * the next poll, one made earlier is in what the reload reads.
 */
void follow_arm(struct follow *f);

/* The descriptor to wait on for POLLIN, or -1. */
int follow_fd(const struct follow *f);

/* Milliseconds until the next identity check (0: due), -1 when not polling. */
int follow_timeout_ms(const struct follow *f);

/*
 * After POLLIN on follow_fd() or when follow_timeout_ms() is due: read the
 * events (or check the identity), re-arm as needed, and say whether the
 * config should be reloaded now. The watches are armed already for that
 * reload.
 */
bool follow_changed(struct follow *f);

/* Whether some change could go unseen by inotify (polling is covering it). */
static inline bool follow_polling(const struct follow *f)
{
	return f->polling;
}

void follow_destroy(struct follow *f);

#endif /* CONFIGD_FOLLOW_H */
