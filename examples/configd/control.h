/* SPDX-License-Identifier: MIT */
/*
 * The control thread (the main thread once the workers run): it owns the
 * signals, through a signalfd, so that no signal handler ever runs, let
 * alone one that calls into RCU; the watches on the config (follow.h); and
 * the reloads, all of them: SIGHUP, a change of the file, and the RELOAD
 * requests the workers hand over.
 */
#ifndef CONFIGD_CONTROL_H
#define CONFIGD_CONTROL_H

#include "daemon.h"
#include "follow.h"

/*
 * Block SIGHUP, SIGTERM and SIGINT (every thread started later inherits
 * the mask), ignore SIGPIPE, and return a signalfd for the three, or -1.
 * Call first thing, before any thread exists.
 */
int control_take_signals(void);

/*
 * Serve signals, changes of the config (f, armed before the first config
 * was read) and reload requests until SIGTERM or SIGINT arrives, then
 * refuse the reload requests still queued and return.
 * Registered with RCU, outside any read-side critical section.
 */
void control_run(struct daemon *d, int sigfd, struct follow *f);

#endif /* CONFIGD_CONTROL_H */
