/*
 * fuzz_url: database URLs (rt_url_parse, rt_url_redact).  Whatever the
 * input, a URL that parses with a password is printed with *** in its
 * place, and the redaction of any text keeps no password it found.
 */
#include "fuzz.h"
#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	rt_url u = RT_URL_INIT;
	rt_err err = { 0 };
	int rc = rt_url_parse(&u, s, "fuzz", &err);
	if (rc) {
		fuzz_check_error(&err, rc, "fuzz");
	} else {
		FUZZ_CHECK(u.redacted != NULL, "no redacted form");
		if (u.password && *u.password)
			FUZZ_CHECK(strstr(u.redacted, "***") != NULL,
				   "password not hidden in %s", u.redacted);
	}
	rt_url_free(&u);
	char *r = rt_url_redact(s);
	FUZZ_CHECK(r != NULL, "rt_url_redact gave NULL");
	free(r);
	free(s);
	return 0;
}
