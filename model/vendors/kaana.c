/* Kaana driver: not written yet (no capabilities, so the UI offers nothing). */
#include "model/vendor.h"

static void error_parse(const struct profile *p, const struct vresp *rs, struct verr *err)
{
	verr_set(err, verr_kind_for_status(rs->status), rs->status, "Kaana: HTTP %ld", rs->status);
}

const struct vendor vendor_kaana = {
	.name = "kaana",
	.label = "Kaana",
	.error_parse = error_parse,
};
