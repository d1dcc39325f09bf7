/* SPDX-License-Identifier: MIT */
/*
 * The listening sockets: the UNIX socket (mode 0600), and with -p a TCP
 * socket on 127.0.0.1 only (the protocol has no authentication). Their
 * descriptors live in struct daemon, shared by every worker's epoll set.
 */
#ifndef CONFIGD_LISTENERS_H
#define CONFIGD_LISTENERS_H

#include "daemon.h"

/*
 * Listen on d->socket_path (replacing a stale socket file, refusing one
 * that a running daemon answers on) and, if tcp_port >= 0, on
 * 127.0.0.1:tcp_port (0: any free port, printed on stdout). False, with a
 * message on stderr and nothing left open, on failure.
 */
bool listeners_open(struct daemon *d, int tcp_port);

/*
 * Refuse new connections from now on: shut the sockets down (the kernel
 * refuses connect() at once rather than queueing it) and remove the socket
 * file. The descriptors stay valid, so a worker still in accept4() on one
 * is safe; what was queued before can still be accepted on the UNIX
 * socket. Once only; later calls do nothing.
 */
void listeners_stop(struct daemon *d);

/* Close them, once no worker uses them; removes the socket file if
 * listeners_stop() has not. */
void listeners_close(struct daemon *d);

#endif /* CONFIGD_LISTENERS_H */
