/* auth: profiles whose vendor signs in with OAuth2's authorization-code flow (VCAP_OAUTH).
 * model_send asks auth_ready() before each request: a fresh access token goes into the
 * request's Authorization header (RFC 6750 bearer, nothing vendor-specific); without one,
 * the request is held while the refresh token buys a new one (ahead of expiry), and is
 * sent when it arrives. With no refresh token a person must sign in: the interface shows
 * auth_authorize_url() and passes the pasted code to auth_submit_code().
 * Tokens live in memory; the refresh token (which the vendor rotates) is kept in
 * <database dir>/tokens/<profile>, mode 0600, never in config.ini or the database. */
#ifndef ORGDECK_AUTH_H
#define ORGDECK_AUTH_H
#include <stdbool.h>

struct model;
struct profile;

/* Loads saved refresh tokens for the OAuth profiles (model_open). */
void auth_init(struct model *m);
/* True when the profile can send now (not OAuth, or a fresh access token). Otherwise
 * starts a refresh when it can and returns false; *needs_person is set when only a
 * sign-in can help. */
bool auth_ready(struct model *m, struct profile *p, bool *needs_person);
/* True while a token request for p is in flight. */
bool auth_busy(const struct profile *p);
/* Forgets the access token (a 401 said it is no longer good). */
void auth_expire(struct profile *p);
/* The page where a person signs in (caller frees), NULL if the vendor has none. */
char *auth_authorize_url(struct model *m, const struct profile *p);
/* Exchanges a pasted code for tokens; held requests go out when they arrive. */
void auth_submit_code(struct model *m, struct profile *p, const char *code);
/* Whether the profile is waiting for a person to sign in. */
bool auth_needs_person(const struct profile *p);

/* Called by auth when tokens arrived (ok) or the attempt failed, with why (model.c). */
struct verr;
void model_auth_done(struct model *m, struct profile *p, bool ok, const struct verr *why);

#endif
