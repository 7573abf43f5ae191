/*
 * The test clock of an emulator: the service's "now" is real time plus an
 * offset, so a test can move a deadline (a session that expires, a parcel
 * that moves on, an hourly budget) without waiting for it.
 */
#include "sbc.h"

#include <time.h>

int64_t sbc_clock_now(const sbc_clock *k)
{
    return (int64_t)time(NULL) + k->offset_s;
}

int sbc_clock_knob(sbc_clock *k, const json_t *in)
{
    const json_t *adv = json_object_get(in, "advance_s"), *now = json_object_get(in, "now");
    if (!json_is_integer(adv)) /* the older name of the same knob */
        adv = json_object_get(in, "advance");
    if (json_is_integer(now)) {
        k->offset_s = (int64_t)json_integer_value(now) - (int64_t)time(NULL);
        return 0;
    }
    if (!json_is_integer(adv))
        return -1;
    k->offset_s += (int64_t)json_integer_value(adv);
    return 0;
}
