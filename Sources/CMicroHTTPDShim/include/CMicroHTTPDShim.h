#ifndef PORTVAKT_CMICROHTTPDSHIM_H
#define PORTVAKT_CMICROHTTPDSHIM_H

#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <stdint.h>
#include <microhttpd.h>

/// The options Portvakt passes when it starts a daemon. MHD_start_daemon takes its options as a
/// variadic list, which Swift cannot call, so this struct carries them across instead.
typedef struct portvakt_mhd_options {
    /// Loopback-only or any-address listener; an IPv4 dotted quad, NULL for all addresses.
    const char *bind_address;
    uint16_t port;
    unsigned int thread_pool_size;
    /// Seconds a connection may stay idle (including a client sending slowly) before it is closed.
    unsigned int connection_timeout;
    unsigned int connection_limit;
    /// Bytes of per-connection memory MHD may use for headers and buffers.
    size_t connection_memory_limit;
    unsigned int listen_backlog;
} portvakt_mhd_options;

/// Starts a daemon with an internal epoll thread pool and inter-thread signalling (required for
/// quiescing on shutdown). Returns NULL when the daemon cannot start (port in use, bad address).
struct MHD_Daemon *portvakt_mhd_start(
    const portvakt_mhd_options *options,
    MHD_AccessHandlerCallback handler, void *handler_cls,
    MHD_RequestCompletedCallback completed, void *completed_cls);

/// The TCP port the daemon listens on (useful after binding port 0). MHD_get_daemon_info is variadic.
uint16_t portvakt_mhd_bound_port(struct MHD_Daemon *daemon);

/// Writes the client's address as text into `buffer`; returns 0 on success.
/// MHD_get_connection_info is variadic.
int portvakt_mhd_client_address(struct MHD_Connection *connection, char *buffer, size_t length);

#endif
