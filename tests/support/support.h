#ifndef SL_TEST_SUPPORT_H
#define SL_TEST_SUPPORT_H
/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#endif
