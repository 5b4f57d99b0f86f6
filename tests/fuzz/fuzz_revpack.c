/*
 * fuzz_revpack: the packed form of parsed revision files that the cache of
 * large folders keeps (rt_revfile_pack / rt_revfile_unpack).  The first
 * byte picks what the rest is: odd, a revision file, which when it parses
 * must pack and unpack to the same packed bytes; even, a packed file as a
 * damaged cache could hold, which must be refused or unpack to a file with
 * a valid id whose packed form is stable.
 */
#include "fuzz.h"
#include "revfile.h"

#include "util/buf.h"

/* rf packs, unpacks and packs again to the same bytes, under any path. */
static void round_trip(const rt_revfile *rf)
{
	rt_buf a = RT_BUF_INIT, b = RT_BUF_INIT;
	rt_revfile back;
	rt_revfile_pack(rf, &a);
	FUZZ_CHECK(rt_revfile_unpack(&back, "other.sql", a.ptr, a.len) == 0,
		   "a packed file does not unpack");
	FUZZ_CHECK(strcmp(back.path, "other.sql") == 0, "the path is not the one given");
	FUZZ_CHECK(strcmp(back.id, rf->id) == 0, "the id changed");
	FUZZ_CHECK(back.revises.len == rf->revises.len && back.depends_on.len == rf->depends_on.len &&
			   back.branch_labels.len == rf->branch_labels.len,
		   "a list changed length");
	FUZZ_CHECK(strcmp(back.upgrade.sql, rf->upgrade.sql) == 0 &&
			   strcmp(back.downgrade.sql, rf->downgrade.sql) == 0,
		   "a section changed");
	rt_revfile_pack(&back, &b);
	FUZZ_CHECK(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0, "packing is not stable");
	rt_revfile_free(&back);
	rt_buf_free(&a);
	rt_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *rest = (const char *)data + 1;
	rt_revfile rf;
	memset(&rf, 0, sizeof(rf));
	if (data[0] & 1) {
		rt_err err = { 0 };
		if (rt_revfile_parse(&rf, "fuzz.sql", rest, size - 1, &err) == 0)
			round_trip(&rf);
	} else if (rt_revfile_unpack(&rf, "fuzz.sql", rest, size - 1) == 0) {
		FUZZ_CHECK(rt_revid_valid(rf.id, NULL), "unpacked a bad id");
		const rt_strvec *lists[] = { &rf.revises, &rf.depends_on, &rf.branch_labels };
		for (int l = 0; l < 3; l++)
			for (size_t i = 0; i < lists[l]->len; i++)
				FUZZ_CHECK(lists[l]->v[i] && *lists[l]->v[i], "an empty list item");
		round_trip(&rf);
	}
	rt_revfile_free(&rf);
	return 0;
}
