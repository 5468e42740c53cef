/* demo_names.h — the name tables of the demo generator: common given and
 * family names of many cultures, each in its own script with a Latin form,
 * and the folding of a Latin name to an ASCII handle for e-mail addresses. */
#ifndef IRM_DEMO_NAMES_H
#define IRM_DEMO_NAMES_H

#include <stddef.h>

/* A name as written in its culture's script, and its Latin form (NULL when
 * the name is already in Latin script). */
struct demo_name {
	const char *native;
	const char *latin;
};

/* A family name with its feminine form (female.native NULL: the same as
 * the masculine one), as Polish, Russian and Greek have. */
struct demo_family {
	struct demo_name male, female;
};

enum demo_culture_id {
	DEMO_EN, DEMO_ES, DEMO_PT, DEMO_DE, DEMO_FR, DEMO_IT, DEMO_NORDIC, DEMO_PL,
	DEMO_TR, DEMO_RU, DEMO_EL, DEMO_ZH, DEMO_JA, DEMO_KO, DEMO_AR, DEMO_IN,
	DEMO_NG, DEMO_CULTURE_COUNT
};

struct demo_culture {
	const char *tag;            /* "ru" */
	int family_first;           /* native form is family name then given, no space */
	int two_surnames;           /* sometimes a second family name (Spanish, Portuguese) */
	const struct demo_name *male, *female;
	size_t n_male, n_female;
	const struct demo_family *family;
	size_t n_family;
};

/* Indexed by enum demo_culture_id. */
extern const struct demo_culture demo_cultures[DEMO_CULTURE_COUNT];

/* The Latin form of a name. */
const char *demo_names_latin(const struct demo_name *n);

/* Appends to out (size bytes, always NUL-terminated) the lower-case ASCII
 * letters of a Latin-script name: accents folded (é → e, ß → ss, ø → o,
 * ł → l), anything else dropped. Returns the new length of out. */
size_t demo_names_handle(const char *latin, char *out, size_t size);

#endif
