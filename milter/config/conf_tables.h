/*
 * conf_tables - parameter tables of the core configuration sections
 */
#ifndef AUP_CONF_TABLES_H
#define AUP_CONF_TABLES_H

#include "config/conf_param.h"

extern const struct conf_param conf_milter_params[];
extern const struct conf_param conf_school_params[];
extern const struct conf_param conf_directory_params[];
extern const struct conf_param conf_notify_params[];
extern const struct conf_param conf_policy_common_params[];
extern const struct conf_param conf_console_params[];
extern const struct conf_param conf_store_params[];

#endif
