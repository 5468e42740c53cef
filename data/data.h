/* data.h — what data/ offers: the cache and everything that reads or
 * writes it. Every SQL statement of the program lives in this folder. */
#ifndef IRM_DATA_H
#define IRM_DATA_H

#include "alerts.h"
#include "cache.h"
#include "clock.h"
#include "config.h"
#include "context.h"
#include "demo_load.h"
#include "engine.h"
#include "import.h"
#include "notes.h"
#include "records.h"
#include "search.h"
#include "tz.h"

#endif
