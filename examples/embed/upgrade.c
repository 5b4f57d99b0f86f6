/*
 * upgrade.c: embed retort in a program.  Opens the project whose config is
 * argv[1] (default: ./retort.ini), upgrades its database to head and prints
 * each log line.  Uses only <retort.h>; build it with
 *   cc upgrade.c $(pkg-config --cflags --libs retort)
 */
#include <retort.h>
#include <stdio.h>

static void on_log(void *data, retort_level level, const char *msg,
		   const retort_progress *progress)
{
	(void)data;
	if (level == RETORT_LOG_PROGRESS && progress)
		fprintf(stderr, "[%zu/%zu] %s\n", progress->step, progress->total, msg);
	else if (level != RETORT_LOG_DEBUG)
		fprintf(stderr, "%s\n", msg);
}

int main(int argc, char **argv)
{
	retort_options opts = RETORT_OPTIONS_INIT;
	retort *r = NULL;
	int rc;

	opts.config = argc > 1 ? argv[1] : NULL;
	opts.log = on_log;
	rc = retort_open(&r, &opts);
	if (rc == RETORT_OK)
		rc = retort_upgrade(r, "head", NULL);
	if (rc != RETORT_OK)
		fprintf(stderr, "upgrade: %s\n", r ? retort_errmsg(r) : retort_strerror(rc));
	else
		printf("upgraded to head (retort %s)\n", retort_version());
	retort_free(r);
	return rc == RETORT_OK ? 0 : retort_exit_code(rc);
}
