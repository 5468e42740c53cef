/* config.h — finding and reading irm.conf; what its sections mean is up to
 * their interpreters (core/rules.h, …), the syntax is core/conf.h. */
#ifndef IRM_CONFIG_H
#define IRM_CONFIG_H

#include <stddef.h>

#include "conf.h"
#include "status.h"

/* A configuration larger than this is refused: it is not one. */
#define CONFIG_SIZE_MAX ((size_t)1 << 20)

/* Read and parse the configuration into out (conf_free() it).
 *
 * path NULL reads $IRM_CONFIG when set; else $XDG_CONFIG_HOME/irm/irm.conf
 * when that variable is an absolute path; else ~/.config/irm/irm.conf. A
 * missing file at one of the last two (the default path) is an empty
 * configuration (IRM_OK, n = 0): every default holds. A file named explicitly (path, or
 * $IRM_CONFIG) must exist: IRM_EUSAGE "PATH: No such file or directory".
 * Unreadable: IRM_EUSAGE with the path; larger than CONFIG_SIZE_MAX or bad
 * syntax: IRM_EINPUT "PATH:LINE: reason". The file's mode is not checked:
 * a configuration holds no secrets, so one readable by others is fine. */
enum irm_status config_load(const char *path, struct conf *out, struct irm_err *e);

/* The file config_load(NULL, …) reads, into buf, for messages; NULL when
 * no home directory is known or it does not fit. */
const char *config_default_path(char *buf, size_t size);

#endif
