/*
 * A bare libmicrohttpd server answering every request with a fixed JSON body. The HTTP
 * benchmark runs it beside Portvakt, started through the same shim and options, so that the
 * ratio between the two shows what Portvakt's routing, JSON, logging and metrics cost.
 *
 * Usage: mhd-hello PORT [THREADS]
 */
#include "CMicroHTTPDShim.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char body[] = "{\"name\":\"hello\"}";

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **req_cls)
{
    (void)cls; (void)url; (void)method; (void)version; (void)upload_data;
    /* Answer on the second call, as libmicrohttpd expects, so that connections are kept alive. */
    static int seen;
    if (*req_cls == NULL) {
        *req_cls = &seen;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct MHD_Response *response = MHD_create_response_from_buffer(
        sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(response, "Content-Type", "application/json");
    enum MHD_Result result = MHD_queue_response(connection, MHD_HTTP_OK, response);
    MHD_destroy_response(response);
    return result;
}

static volatile sig_atomic_t stopping = 0;

static void on_signal(int signal_number) { (void)signal_number; stopping = 1; }

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: mhd-hello PORT [THREADS]\n");
        return 2;
    }
    portvakt_mhd_options options = {
        .bind_address = "127.0.0.1",
        .port = (uint16_t)atoi(argv[1]),
        .thread_pool_size = argc > 2 ? (unsigned int)atoi(argv[2]) : 2,
        .connection_timeout = 10,
        .connection_limit = 1000,
        .connection_memory_limit = 32 * 1024,
        .listen_backlog = 511,
    };
    struct MHD_Daemon *daemon = portvakt_mhd_start(&options, answer, NULL, NULL, NULL);
    if (daemon == NULL) {
        fprintf(stderr, "mhd-hello: cannot listen on port %s\n", argv[1]);
        return 1;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    fprintf(stderr, "mhd-hello: listening on 127.0.0.1:%u\n", portvakt_mhd_bound_port(daemon));
    while (!stopping) {
        pause();
    }
    MHD_stop_daemon(daemon);
    return 0;
}
