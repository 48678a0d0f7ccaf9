/*
 * engine_reply - the decision half of the engine: final action, reply
 * text and header edits (engine.c runs the policies)
 */
#ifndef AUP_ENGINE_REPLY_H
#define AUP_ENGINE_REPLY_H

#include "engine/engine.h"
#include "policies/policy.h"

/* What the strongest applied objection so far asks for. */
struct engine_pending {
	enum result best;		/* strongest applied result */
	const struct policy *decider;	/* first policy with `best` */
	char	*template;		/* its template name */
	struct policy_var *vars;	/* its template variables */
	size_t	 nvars;
	enum result would;		/* strongest result, monitored too */
	struct header_edits edits;	/* for a delivered message */
};

/* engine_pending_note - take one policy's outcome into account */
void	engine_pending_note(struct engine_pending *p, struct verdict *v,
	    const struct policy *pol, struct policy_outcome *out,
	    bool monitored);
/* engine_decide - final action, reply and edits from the pending state */
void	engine_decide(const struct conf *cf, struct verdict *v,
	    struct engine_pending *p);
/* engine_on_error - the on_error action after an internal error */
void	engine_on_error(const struct conf *cf, struct verdict *v);
/* engine_pending_clear - free the pending state */
void	engine_pending_clear(struct engine_pending *p);

#endif
