/* Moved: the fake host is tests/support/fake_host.{c,h} (libsl_fake_host.a). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_host.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
