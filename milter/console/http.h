/*
 * http - the console's HTTP server (libmicrohttpd)
 */
#ifndef AUP_CONSOLE_HTTP_H
#define AUP_CONSOLE_HTTP_H

struct console;
struct MHD_Daemon;

/*
 * http_start - listen on [console] listen and serve on libmicrohttpd's
 * own threads; HTTPS when tls_cert and tls_key (PEM text) are given.
 * NULL with *err when it cannot listen.  Stop with MHD_stop_daemon().
 */
struct MHD_Daemon *http_start(struct console *c, const char *tls_cert,
	    const char *tls_key, char **err);

#endif
