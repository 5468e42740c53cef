/* core.h — what core/ offers: the pure domain of irm.
 *
 * Plain structs and pure functions: no SQLite, curl or curses, no files,
 * no clock. The console, `irm import` and irm-central all run this code. */
#ifndef IRM_CORE_H
#define IRM_CORE_H

#include "airports.h"
#include "alert.h"
#include "conf.h"
#include "date.h"
#include "demo.h"
#include "geo.h"
#include "mem.h"
#include "milestone.h"
#include "model.h"
#include "record.h"
#include "rules.h"
#include "sha256.h"
#include "status.h"
#include "tier.h"
#include "utf8.h"

#endif
