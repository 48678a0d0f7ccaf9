/*
 * registry - the shipped policies (each is defined in its own file)
 */
#ifndef AUP_REGISTRY_H
#define AUP_REGISTRY_H

#include "policy.h"

#endif
