/* Shared test helpers (temporary directories, file writing). */
#include "support.h"
