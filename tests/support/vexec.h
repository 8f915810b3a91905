/* vexec: runs a driver's request description (struct vreq) synchronously over real HTTP,
 * for tests that check a driver against orgdeck-sim without the event loop. */
#ifndef ORGDECK_VEXEC_H
#define ORGDECK_VEXEC_H
#include "model/vendor.h"
#include "tests/support/thttp.h"

/* vexec, then frees req (the answer lives in http until thttp_free). */
struct vresp vexec_once(struct vreq *req, struct thttp *http);
/* A canned answer for parser tests: body s (NUL-terminated) with status. */
struct vresp vresp_text(const char *s, long status);
/* Sends req; fills http (free with thttp_free) and returns a vresp pointing into it. */
struct vresp vexec(const struct vreq *req, struct thttp *http);

#endif
