/*
 * zone - the system's time zone, read once instead of on every mktime()
 */
#ifndef AUP_ZONE_H
#define AUP_ZONE_H

#include <stdbool.h>

/* The TZ value zone_pin() sets: the system's zone file, by name. */
#define ZONE_SYSTEM	":/etc/localtime"

/*
 * zone_pin - call once before any thread starts: when TZ is unset, set
 * it to ZONE_SYSTEM and read the zone; returns true when it did, false
 * when TZ was already set (the administrator's zone is left as it is)
 * or could not be set
 */
bool	zone_pin(void);

#endif
