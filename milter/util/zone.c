/*
 * zone - the system's time zone, read once instead of on every mktime()
 *
 * SYNOPSIS
 *	zone_pin()
 *
 * DESCRIPTION
 *	With TZ unset, the C library looks at /etc/localtime again on
 *	every mktime() (a stat(), while it holds its process-wide
 *	time-zone lock) to notice a zone changed under it.  The daemon
 *	calls mktime() a dozen times a message without asking for it:
 *	libarchive converts the time of every member of a zip to local
 *	time, and every .docx and .xlsx is a zip.  Each of those calls
 *	made the threads judging messages queue on that lock.
 *
 *	zone_pin() sets TZ to ":/etc/localtime" when it is unset: the
 *	same file, so local time is what it was, but named, so the C
 *	library reads it once and afterwards only compares the name.  A
 *	zone changed on the running system (a new /etc/localtime) is seen
 *	at the daemon's next start; summer time is in the file and needs
 *	nothing.  A TZ the administrator set, even to the empty string
 *	(UTC), is left alone.  setenv() is not safe while other threads
 *	may read the environment, hence "before any thread starts".
 *
 * DIAGNOSTICS
 *	None: false when setenv() failed (out of memory), and local time
 *	is then found as before.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <time.h>

#include "util/zone.h"

/* zone_pin - name the system's zone in TZ when nothing else is named */
bool
zone_pin(void)
{
	if (getenv("TZ") != NULL)
		return false;
	if (setenv("TZ", ZONE_SYSTEM, 0) != 0)
		return false;
	tzset();
	return true;
}
