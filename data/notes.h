/* notes.h — free-text notes about a customer, written by the people who
 * talk to them. Each note added locally also goes to the outbox
 * ("note.add"), in the same transaction. */
#ifndef IRM_NOTES_H
#define IRM_NOTES_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "mem.h"

struct note {
	const char *id;             /* "N-CONSOLE-RID" for notes made here */
	const char *customer_id;
	const char *author;
	const char *text;
	int64_t at_utc;
};

struct note_list {
	struct note *v;             /* newest first */
	size_t n;
	struct arena arena;         /* owns everything above */
};

/* What notes_add wrote. */
struct note_added {
	char id[64];
	char customer_id[128];      /* the customer's id (customer may be a member number) */
	int64_t outbox_seq;
};

/* Add a note about `customer` (an id or member number) by `who`, in one
 * transaction with its outbox row. IRM_ENOTFOUND: no such customer;
 * IRM_EUSAGE: empty (or blank) text or author, text too long or not valid
 * UTF-8. Must not be called inside another transaction. out may be NULL. */
enum irm_status notes_add(struct cache *c, const char *customer, const char *who,
			  const char *text, int64_t now, struct note_added *out,
			  struct irm_err *e);
/* A note made elsewhere (a console's note.add reaching irm-central), under
 * the id it was made with, inside the caller's transaction and with no
 * outbox row. The same note under that id stored already is left as it
 * was (the same action sent twice is one note); another note under it is
 * IRM_EINPUT. Errors otherwise as notes_add. */
enum irm_status notes_put(struct cache *c, const char *id, const char *customer,
			  const char *who, const char *text, int64_t now, struct note_added *out,
			  struct irm_err *e);
/* A customer's notes, newest first. IRM_ENOTFOUND: no such customer. */
enum irm_status notes_list(struct cache *c, const char *customer, struct note_list *out,
			   struct irm_err *e);
void notes_list_free(struct note_list *l);

#endif
