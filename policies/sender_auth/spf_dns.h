/*
 * spf_dns - the DNS layers under spf.c's libspf2 server (internal)
 *
 * The site's local records (answered only from the file) above a
 * resolver layer that keeps one resolver state per thread and ends
 * every lookup at the running check's deadline.  See spf_dns.c.
 */
#ifndef AUP_SPF_DNS_H
#define AUP_SPF_DNS_H

#include <sys/types.h>
#include <netinet/in.h>
#include <stdbool.h>

#include <spf2/spf.h>

#include "util/errbuf.h"
#include "policies/sender_auth/local_records.h"

/* What happened to the lookups of one check. */
struct spf_dns_status {
	bool	 timed_out;	/* a lookup ran out of time */
	bool	 failed;	/* a lookup failed: RFC 7208 says temperror */
};

/*
 * spf_dns_stack - the DNS layers for one configuration: `lr` (may be
 * NULL; copied) above our resolver, which asks `nameserver` (IPv4
 * "ADDR" or "ADDR:PORT"; NULL = resolv.conf), or no resolver at all
 * when `offline`.  NULL with errors in eb.  Free it with SPF_dns_free()
 * after SPF_server_free(), which leaves it alone.
 */
SPF_dns_server_t *spf_dns_stack(const struct local_records *lr,
	    const char *nameserver, bool offline, struct errbuf *eb);
/* spf_dns_thread_end - free this thread's resolver state now */
void	spf_dns_thread_end(void);
/* spf_dns_begin - this thread's check starts; lookups end in `seconds` */
void	spf_dns_begin(long seconds);
/* spf_dns_end - this thread's check is over: how its lookups went */
struct spf_dns_status spf_dns_end(void);

#endif
