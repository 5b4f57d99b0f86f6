/* fuzz_dotenv: .env files (rt_dotenv_parse). */
#include "fuzz.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rt_strvec keys = RT_STRVEC_INIT, vals = RT_STRVEC_INIT;
	rt_err err = { 0 };
	int rc = rt_dotenv_parse((const char *)data, size, "fuzz.env", &keys, &vals, &err);
	if (rc) {
		fuzz_check_error(&err, rc, "fuzz.env");
	} else {
		FUZZ_CHECK(keys.len == vals.len, "%zu keys, %zu values", keys.len, vals.len);
		for (size_t i = 0; i < keys.len; i++)
			FUZZ_CHECK(keys.v[i][0] != '\0', "an empty key");
	}
	rt_strvec_free(&keys);
	rt_strvec_free(&vals);
	return 0;
}
