/* SPDX-License-Identifier: MIT */
/* Following the config through symlinks and replaced directories. */
#include "follow.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * What a watched directory reports: its entry written in place (only once
 * the writer closes it) or renamed over, made, removed or renamed away.
 * IN_ONLYDIR: a directory replaced by something else after the resolution
 * passed it is not watched by mistake (its parent's watch sees that).
 */
#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | \
		    IN_MOVED_FROM | IN_ONLYDIR)

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct follow_id identify(const char *path)
{
	struct follow_id id = { 0 };
	struct stat st;

	if (stat(path, &st) < 0) {
		id.err = errno;
		return id;
	}
	id.dev = st.st_dev;
	id.ino = st.st_ino;
	id.size = st.st_size;
	id.mtime = st.st_mtim;
	id.ctime = st.st_ctim;
	return id;
}

static bool same_id(const struct follow_id *a, const struct follow_id *b)
{
	if (a->err || b->err)
		return a->err == b->err;
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec &&
	       a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/* dir/name into out ("/name" under the root). False if it does not fit. */
static bool join(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", name);

	return n >= 0 && (size_t)n < size;
}

/* The next component of *p into name, skipping slashes. False at the end,
 * or for a component too long to be a name. */
static bool next_component(const char **p, char *name, size_t size)
{
	const char *s = *p + strspn(*p, "/");
	size_t n = strcspn(s, "/");

	if (!n || n >= size)
		return false;
	memcpy(name, s, n);
	name[n] = '\0';
	*p = s + n;
	return true;
}

static bool more_components(const char *p)
{
	return p[strspn(p, "/")] != '\0';
}

static struct follow_entry *find_entry(const struct follow *f, int wd, const char *name)
{
	size_t i;

	for (i = 0; i < f->n_entries; i++)
		if (f->entries[i].wd == wd && strcmp(f->entries[i].name, name) == 0)
			return &f->entries[i];
	return NULL;
}

static bool has_wd(const struct follow_entry *v, size_t n, int wd)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].wd == wd)
			return true;
	return false;
}

static bool reserve_entry(struct follow *f)
{
	size_t cap = f->cap_entries ? f->cap_entries * 2 : 16;
	struct follow_entry *v;

	if (f->n_entries < f->cap_entries)
		return true;
	v = realloc(f->entries, cap * sizeof(*v));
	if (!v)
		return false;
	f->entries = v;
	f->cap_entries = cap;
	return true;
}

/*
 * Watch dir for its entry name. False when the resolution should stop
 * here: dir is gone or no longer a directory, which the watch on its own
 * parent, set before dir was looked at, reports. Any other failure is
 * recorded in *err and err_what (the first one) for polling to cover.
 */
static bool watch_entry(struct follow *f, const char *dir, const char *name,
			int *err, char *err_what, size_t err_size)
{
	int wd = inotify_add_watch(f->fd, dir, WATCH_MASK);

	if (wd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return false;
	if (wd >= 0 && find_entry(f, wd, name))
		return true;	/* a loop of links came back to it */
	if (wd >= 0 && reserve_entry(f)) {
		struct follow_entry *e = &f->entries[f->n_entries];

		e->wd = wd;
		e->dir = strdup(dir);
		e->name = strdup(name);
		if (e->dir && e->name) {
			f->n_entries++;
			return true;
		}
		free(e->dir);
		free(e->name);
	}
	if (wd >= 0) {		/* no memory to remember the watch by */
		if (!has_wd(f->entries, f->n_entries, wd))
			inotify_rm_watch(f->fd, wd);
		errno = ENOMEM;
	}
	if (!*err) {
		*err = errno;
		snprintf(err_what, err_size, "cannot watch %s", dir);
	}
	return true;
}

/*
 * Resolve the path one component at a time, as the kernel does, watching
 * each directory passed through for the entry taken there before looking
 * at that entry: whatever happens to it afterwards raises an event. Links
 * are followed from their own directory, an absolute target from the
 * root. Stops where the path leads nowhere (a missing entry, a loop, a
 * name too long): the watches set so far see it change.
 */
static void resolve(struct follow *f, int *err, char *err_what, size_t err_size)
{
	char dir[PATH_MAX], path[PATH_MAX], rest[PATH_MAX], target[PATH_MAX];
	char name[NAME_MAX + 1];
	const char *p = rest;
	unsigned links = 0;
	struct stat st;
	ssize_t n;

	f->found = false;
	snprintf(dir, sizeof(dir), "%s", f->path[0] == '/' ? "/" : ".");
	if ((size_t)snprintf(rest, sizeof(rest), "%s", f->path) >= sizeof(rest))
		return;
	while (next_component(&p, name, sizeof(name))) {
		if (strcmp(name, ".") == 0)
			continue;
		if (!join(path, sizeof(path), dir, name))
			return;
		if (strcmp(name, "..") == 0) {
			/* dir holds no symlink: ".." is its real parent. */
			memcpy(dir, path, strlen(path) + 1);
			continue;
		}
		if (!watch_entry(f, dir, name, err, err_what, err_size) ||
		    lstat(path, &st) < 0)
			return;
		if (S_ISLNK(st.st_mode)) {
			n = readlink(path, target, sizeof(target));
			if (++links > FOLLOW_MAX_LINKS || n <= 0 ||
			    (size_t)n >= sizeof(target))
				return;
			target[n] = '\0';
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", target, p) >=
			    sizeof(path))
				return;
			memcpy(rest, path, strlen(path) + 1);
			p = rest;
			if (target[0] == '/')
				snprintf(dir, sizeof(dir), "/");
			continue;
		}
		if (!more_components(p)) {
			f->found = true;
			return;
		}
		if (!S_ISDIR(st.st_mode))
			return;
		memcpy(dir, path, strlen(path) + 1);
	}
}

/* Start or stop polling, saying so on stderr when that changes. */
static void set_polling(struct follow *f, bool on, int err, const char *what)
{
	if (on && !f->polling)
		fprintf(stderr, "configd: inotify: %s: %s; checking %s every %d ms "
			"instead\n", what, strerror(err), f->path, FOLLOW_POLL_MS);
	else if (!on && f->polling)
		fprintf(stderr, "configd: watching %s with inotify again\n", f->path);
	f->polling = on;
}

/* Move the watches to where the path leads now; drop the others. */
static void arm_inotify(struct follow *f)
{
	struct follow_entry *old = f->entries;
	size_t i, n_old = f->n_entries;
	char err_what[PATH_MAX + 32] = "";
	int err = 0;

	f->entries = NULL;
	f->n_entries = f->cap_entries = 0;
	resolve(f, &err, err_what, sizeof(err_what));
	/* A directory still on the way kept its watch (one per inode). */
	for (i = 0; i < n_old; i++) {
		if (!has_wd(f->entries, f->n_entries, old[i].wd) &&
		    !has_wd(old, i, old[i].wd))
			inotify_rm_watch(f->fd, old[i].wd);
		free(old[i].dir);
		free(old[i].name);
	}
	free(old);
	set_polling(f, err != 0, err, err_what);
}

static void arm(struct follow *f)
{
	if (f->fd < 0 && !f->forced) {
		f->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (f->fd < 0)
			set_polling(f, true, errno, "cannot start");
	}
	if (f->fd >= 0)
		arm_inotify(f);
	if (f->polling) {
		f->last = f->seen = identify(f->path);
		f->next_poll_ms = now_ms() + FOLLOW_POLL_MS;
	}
}

void follow_init(struct follow *f, const char *path, bool poll)
{
	*f = (struct follow){ .path = path, .fd = -1, .forced = poll, .polling = poll };
	if (poll)
		fprintf(stderr, "configd: --poll: checking %s every %d ms\n", path,
			FOLLOW_POLL_MS);
	arm(f);
}

void follow_arm(struct follow *f)
{
	arm(f);
}

int follow_fd(const struct follow *f)
{
	return f->fd;
}

int follow_timeout_ms(const struct follow *f)
{
	int64_t left;

	if (!f->polling)
		return -1;
	left = f->next_poll_ms - now_ms();
	return left <= 0 ? 0 : left > FOLLOW_POLL_MS ? FOLLOW_POLL_MS : (int)left;
}

/* An entry just made that is a file, not a link or a directory. */
static bool is_file(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return join(path, sizeof(path), dir, name) && lstat(path, &st) == 0 &&
	       S_ISREG(st.st_mode);
}

/*
 * Drain the queue; a burst of events means one reload. An entry written
 * (closed after writing) or renamed in means a reload. A link or a
 * directory made where the path goes means one if the path now leads to
 * something; a file made there is read once its writer closes it (its
 * IN_CLOSE_WRITE), not half-written. One removed or renamed away only
 * moves the watches: there is nothing new to read.
 */
static void read_events(struct follow *f, bool *reload, bool *rearm, bool *appeared)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(f->fd, buf, sizeof(buf))) > 0) {
		const char *p = buf;

		while (p < buf + n) {
			const struct inotify_event *ev = (const void *)p;
			const struct follow_entry *e;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				*reload = true;	/* events were lost */
				continue;
			}
			e = ev->len ? find_entry(f, ev->wd, ev->name) : NULL;
			if (!e)
				continue;
			if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO))
				*reload = true;
			else if (!(ev->mask & IN_CREATE))
				*rearm = true;
			else if (!is_file(e->dir, ev->name))
				*appeared = true;
		}
	}
}

bool follow_changed(struct follow *f)
{
	bool reload = false, rearm = false, appeared = false;

	if (f->fd >= 0)
		read_events(f, &reload, &rearm, &appeared);
	if (f->polling && now_ms() >= f->next_poll_ms) {
		struct follow_id id = identify(f->path);
		bool settled = same_id(&id, &f->seen);

		f->seen = id;
		f->next_poll_ms = now_ms() + FOLLOW_POLL_MS;
		/* Changed since it was read, but not since the previous check:
		 * written, not being written (in place, a file is seen half
		 * written only if its writer stops for a whole interval). */
		if (!same_id(&id, &f->last) && settled) {
			rearm = true;
			reload |= !id.err;
		}
	}
	if (reload || rearm || appeared)
		arm(f);
	return reload || (appeared && f->found);
}

void follow_destroy(struct follow *f)
{
	size_t i;

	for (i = 0; i < f->n_entries; i++) {
		free(f->entries[i].dir);
		free(f->entries[i].name);
	}
	free(f->entries);
	if (f->fd >= 0)
		close(f->fd);
}
