#ifndef SL_TEST_SUPPORT_H
#define SL_TEST_SUPPORT_H
/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

/* Creates /tmp/sl-TAG-XXXXXX into buf. 0 on success. */
int sl_test_mkdtemp(char *buf, size_t len, const char *tag);
/* Removes a scratch directory and everything below it. */
void sl_test_rmtree(const char *dir);
#endif
