/* SPDX-License-Identifier: MIT */
/*
 * The worker pool. Each worker is one thread with its own epoll set: it
 * accepts connections from the shared listening sockets (EPOLLEXCLUSIVE,
 * so one worker wakes per connection) and serves them itself until they
 * close, with nonblocking I/O and deadlines per request and per answer, so
 * that no client can hold a worker, nor its connection slot for long: a
 * silent or trickling client only costs a file descriptor until its
 * deadline passes. Nor does a RELOAD request: the worker hands it to the
 * control thread and serves its other clients until the answer is back.
 */
#ifndef CONFIGD_WORKERS_H
#define CONFIGD_WORKERS_H

#include "daemon.h"

struct worker;

/* Create n workers' epoll sets and start their threads. NULL on failure
 * (with a message on stderr and nothing left running). */
struct worker *workers_start(struct daemon *d, unsigned n);

/* After daemon_refuse_reload_requests() and daemon_stop(): wait for every
 * worker to answer what it has received and close its clients, then free
 * the pool. */
void workers_join(struct worker *w, unsigned n);

#endif /* CONFIGD_WORKERS_H */
