/*
 * fuzz_revfile: revision files (rt_revfile_parse), and the checksum of the
 * sections of the ones that parse.
 */
#include "fuzz.h"
#include "revfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rt_revfile rf;
	rt_err err = { 0 };
	memset(&rf, 0, sizeof(rf));
	int rc = rt_revfile_parse(&rf, "fuzz.sql", (const char *)data, size, &err);
	if (rc) {
		fuzz_check_error(&err, rc, "fuzz.sql:");
	} else {
		FUZZ_CHECK(rf.id && rt_revid_valid(rf.id, NULL), "accepted a bad id");
		FUZZ_CHECK(rf.upgrade.sql && rf.downgrade.sql, "a section is missing");
		char *a = rt_section_checksum(rf.upgrade.sql);
		char *b = rt_section_checksum(rf.downgrade.sql);
		FUZZ_CHECK(strncmp(a, "sha256:", 7) == 0 && strlen(a) == 7 + 64, "bad checksum %s", a);
		free(a);
		free(b);
	}
	rt_revfile_free(&rf);
	return 0;
}
