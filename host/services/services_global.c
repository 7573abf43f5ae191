/*
 * Process-global library state the host owns on behalf of every plugin:
 * plugins must never call curl_global_init themselves (two plugins doing
 * so races and aborts); TZ present in the environment for
 * services/local_time.c; SQLite's process-wide settings (store.h).
 */
#include <stdlib.h>

#include <curl/curl.h>

#include "services/services.h"
#include "store/store.h"
#include "shopledger/sdkutil.h"

int services_global_init(sl_error *err)
{
    if (getenv("TZ") == NULL && setenv("TZ", SERVICES_TZ_SYSTEM, 1) != 0)
        return sl_error_set(err, SL_ENOMEM, "", "cannot set TZ");
    store_global_init();
    CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK)
        return sl_error_set(err, SL_EINTERNAL, "", "curl_global_init: %s", curl_easy_strerror(rc));
    return SL_OK;
}

void services_global_cleanup(void)
{
    curl_global_cleanup();
}
