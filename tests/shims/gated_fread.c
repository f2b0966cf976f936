/*
 * gated_fread.c - an LD_PRELOAD shim for tests: fread() on one chosen file
 * waits at a gate before reading.
 *
 * A regular file never makes a reader wait, so whether a reader lets go of
 * the GIL around its reads cannot be seen by timing them.  With this shim
 * every fread() on the file whose inode is $GATE_INO first writes one byte
 * to fd $GATE_ENTERED, then blocks until one byte can be read from fd
 * $GATE_OPEN.  A Python thread in the same process opens the gate: it can
 * only do so if the thread inside fread() released the GIL, so a reader
 * that holds it deadlocks.  Instead of hanging, the gate gives up after
 * $GATE_SECONDS (default 20) and the process exits with status 97.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef size_t (*fread_fn)(void *, size_t, size_t, FILE *);

static long
env_long(const char *name, long dflt)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return dflt;
	v = strtol(s, &end, 10);
	return *end == '\0' ? v : dflt;
}

/* Is fp the gated file? */
static int
gated(FILE *fp)
{
	long ino = env_long("GATE_INO", -1);
	struct stat sb;
	int fd;

	if (ino < 0)
		return 0;
	fd = fileno(fp);
	if (fd < 0 || fstat(fd, &sb) < 0)
		return 0;
	return S_ISREG(sb.st_mode) && (long)sb.st_ino == ino;
}

static void
wait_at_gate(void)
{
	int entered = (int)env_long("GATE_ENTERED", -1);
	struct pollfd pfd = { .fd = (int)env_long("GATE_OPEN", -1),
			      .events = POLLIN };
	long secs = env_long("GATE_SECONDS", 20);
	char c = 'e';
	int rc;

	if (entered < 0 || pfd.fd < 0)
		return;
	if (write(entered, &c, 1) != 1)
		return;		/* the test closed the gate for good */
	do
		rc = poll(&pfd, 1, (int)(secs * 1000));
	while (rc < 0 && errno == EINTR);
	if (rc == 0) {
		static const char msg[] =
		    "gated_fread: the gate was never opened "
		    "(is the GIL held during fread?)\n";
		if (write(2, msg, sizeof(msg) - 1) < 0) {
			/* nothing more to say */
		}
		_exit(97);
	}
	if (read(pfd.fd, &c, 1) < 0) {
		/* a closed gate lets the read through */
	}
}

size_t
fread(void *ptr, size_t size, size_t n, FILE *fp)
{
	static fread_fn real;

	if (real == NULL)
		real = (fread_fn)dlsym(RTLD_NEXT, "fread");
	if (gated(fp))
		wait_at_gate();
	return real(ptr, size, n, fp);
}
