/* SPDX-License-Identifier: MIT */
/*
 * The workers: -t threads, each with its own epoll set, accepting from the
 * shared listening sockets (EPOLLEXCLUSIVE: one worker wakes per burst of
 * new connections) and handing each to the worker that serves the fewest,
 * which serves it with nonblocking I/O.
 * A client that does not read its replies stops being read from once
 * PROTO_OUT_HIGH bytes wait for it; it costs a descriptor and its buffers,
 * and delays no one else.
 */
#ifndef KVD_SERVER_H
#define KVD_SERVER_H

#include <stddef.h>

/* Start the workers on the listening sockets fds[0..n); 0 or -1 (with a
 * message on stderr and nothing left running). */
int server_start(const int *fds, size_t n);

/* Stop: no new connections; every worker answers the requests it has
 * already received, sends what it can within a deadline, closes its
 * connections and exits. Returns once every worker has. */
void server_stop(void);

#endif /* KVD_SERVER_H */
