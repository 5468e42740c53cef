/* fuzz_record.c — libFuzzer harness for the record parser: any bytes as
 * one line of `irm import`. It must never crash, leak or read out of
 * bounds, and whatever it accepts must survive a round trip through JSON.
 * Run with `make fuzz` (clang). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = { 0 }, b = { 0 };
	struct record rec, again;
	struct irm_err e = { 0 };

	if (record_parse((const char *)data, size, &a, &rec, &e) == IRM_OK) {
		json_t *j = record_json(&rec);
		char *text = json_dumps(j, JSON_COMPACT);
		if (!text || record_parse(text, strlen(text), &b, &again, &e) != IRM_OK)
			abort();
		free(text);
		json_decref(j);
	} else if (strchr(e.msg, 0x1b)) {
		abort();  /* an error message must never carry an escape */
	}
	arena_free(&a);
	arena_free(&b);
	return 0;
}
