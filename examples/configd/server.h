/* SPDX-License-Identifier: MIT */
/*
 * The worker pool. Each worker is one thread with its own epoll set: it
 * accepts connections from the shared listening sockets (EPOLLEXCLUSIVE,
 * so one worker wakes per connection) and serves them itself until they
 * close, with nonblocking I/O and a deadline per client, so that no client
 * can hold a worker: a silent client only costs a file descriptor until its
 * deadline passes.
 */
#ifndef CONFIGD_SERVER_H
#define CONFIGD_SERVER_H

#include "daemon.h"

struct worker;

/* Create n workers' epoll sets and start their threads. NULL on failure
 * (with a message on stderr and nothing left running). */
struct worker *workers_start(struct daemon *d, unsigned n);

/* Stop listening (new connections are refused, the socket file is
 * removed), set d->stopping and wake every worker; safe to call more than
 * once. */
void daemon_stop(struct daemon *d);

/* After daemon_stop(): wait for every
 * worker to answer what it has already received and close its clients. */
void workers_join(struct worker *w, unsigned n);

#endif /* CONFIGD_SERVER_H */
