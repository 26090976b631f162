/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A main() for the fuzz targets in builds without libFuzzer: run each
 * target once over every file of its corpus (the seeds and the inputs
 * that once crashed it), so that the ordinary build and the sanitizer
 * build keep them as regression tests.
 *
 *   main() -> LLVMFuzzerInitialize() -> per file (sorted):
 *             LLVMFuzzerTestOneInput() (a failed check aborts)
 *
 *   fuzz_<target>-replay FILE|DIR...
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

static unsigned int replayed;

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	/* An exact-size copy, as libFuzzer hands inputs over. */
	buf = malloc(len > 0 ? (size_t)len : 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	printf("replay: %s (%ld bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	replayed++;
	return 0;
}

static int
no_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int
replay_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	char file[4096];
	int n, i, rc = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: no %s\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	n = scandir(path, &names, no_dot, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: cannot list %s\n", path);
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
		if (rc == 0 && replay_file(file) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++)
		if (replay_path(argv[i]) != 0)
			rc = 1;
	printf("replay: %u inputs, no failure\n", replayed);
	return rc;
}
