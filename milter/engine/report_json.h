/*
 * report_json - a verdict as the JSON object of `aupctl test` (SPEC 6)
 */
#ifndef AUP_REPORT_JSON_H
#define AUP_REPORT_JSON_H

#include <json-c/json.h>

#include "config/conf.h"
#include "engine/engine.h"

/* What report_json_verdict_into adds besides the decision itself. */
#define REPORT_JSON_REPLY	0x1	/* the reply and header_changes */
#define REPORT_JSON_WOULD	0x2	/* would_action even when the same */

/* report_json_verdict_into - add action, ref, policies, quarantine,
 * mode, direction, would_action, error, elapsed_ms (and parts) to o */
void	report_json_verdict_into(json_object *o, const struct conf *cf,
	    const struct verdict *v, unsigned parts);
/* report_json_verdict - new JSON object (caller puts it) */
json_object *report_json_verdict(const struct conf *cf,
	    const struct verdict *v);
/* report_json_header_changes - the header_changes array */
json_object *report_json_header_changes(const struct header_edits *e);
/* report_json_reply - {"code","xcode","text":[...]} or NULL */
json_object *report_json_reply(const struct verdict *v);
/* report_json_alerts - add "alerts": [{"category","score"}] (raised
 * ones) and, when any, "monitored_alerts" (would-be ones) to o; never
 * the matched phrases */
void	report_json_alerts(json_object *o, const struct verdict *v);
/* report_json_policies - [{"name","result","reason"}] */
json_object *report_json_policies(const struct verdict *v);

#endif
