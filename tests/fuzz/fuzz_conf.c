/* fuzz_conf.c — libFuzzer harness for irm.conf: any bytes as a
 * configuration file, parsed and then interpreted by the milestone rules and
 * the intent weights. It must never crash or leak, and an error message
 * must never carry an escape character. Run with `make fuzz`. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "intent.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf conf;
	struct irm_err e = { 0 };

	if (conf_parse((const char *)data, size, "irm.conf", &conf, &e) == IRM_OK) {
		struct rules r;
		struct intent_weights w = intent_weights_default;
		rules_default(&r);
		if (rules_configure(&r, &conf, &e) == IRM_OK && intent_configure(&w, &conf, &e) == IRM_OK)
			conf_check_unused(&conf, &e);
		conf_free(&conf);
	}
	if (strchr(e.msg, 0x1b))
		abort();
	return 0;
}
