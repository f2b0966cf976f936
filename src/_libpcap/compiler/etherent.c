/*
 * etherent.c - Ethernet (MAC-48) addresses: the text forms pcap-filter(7)
 * accepts, ethers(5) files, and host names through the ethers database.
 *
 * pcap_next_etherent reads an ethers file the way libpcap always has: per
 * line, leading blanks, then an address of up to six ':'-separated groups
 * of one or two hex digits (missing trailing bytes stay zero), blanks, and
 * a name of up to 121 characters ending at a blank; lines that do not start
 * with a hex digit (comments) are skipped, and anything after the name is
 * ignored.  Its quirks are kept too (an address alone on a line takes its
 * name from the next line; a name ended by the end of the file, with no
 * newline, is no entry), so a file lists the same entries here as with
 * libpcap.  Character classes are the C locale's
 * whatever the process locale.  The entry it returns is per-thread.
 *
 * Host names go to the C library's ether_hostton (NSS "ethers", normally
 * /etc/ethers), which is reentrant on glibc; elsewhere the file is read
 * with pcap_next_etherent.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/ether.h>

#include "namedb-int.h"

static int
is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static u_char
hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return (u_char)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (u_char)(c - 'a' + 10);
	return (u_char)(c - 'A' + 10);
}

/* isspace() of the C locale, whatever setlocale() said. */
static int
is_blank_c(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

/* ---- ethers(5) files ------------------------------------------------------ */

/* Skip blanks other than newline; returns the next other character. */
static int
skip_blanks(FILE *fp)
{
	int c;

	do
		c = getc(fp);
	while (c != '\n' && is_blank_c(c));
	return c;
}

/* Skip to the end of the line; returns '\n' or EOF. */
static int
skip_rest(FILE *fp)
{
	int c;

	do
		c = getc(fp);
	while (c != '\n' && c != EOF);
	return c;
}

struct pcap_etherent *
pcap_next_etherent(FILE *fp)
{
	/* libpcap's contract: the entry stays ours until the next call. */
	static _Thread_local struct pcap_etherent e;
	int c, i;

	if (fp == NULL)
		return NULL;
	/* Cleared once per call; a rejected line's bytes are not cleared again,
	   as in libpcap. */
	memset(&e, 0, sizeof e);
	for (;;) {
		size_t room;
		char *bp;

		c = skip_blanks(fp);
		if (c == EOF)
			return NULL;
		if (c == '\n')
			continue;
		if (!is_hex(c)) {
			/* A comment, or no address at the start of the line. */
			if (skip_rest(fp) == EOF)
				return NULL;
			continue;
		}

		/* The address: up to six groups of one or two hex digits. */
		for (i = 0; i < 6; i++) {
			u_char d = hex_val(c);

			c = getc(fp);
			if (c == EOF)
				return NULL;
			if (is_hex(c)) {
				d = (u_char)(d << 4 | hex_val(c));
				c = getc(fp);
				if (c == EOF)
					return NULL;
			}
			e.addr[i] = d;
			if (c != ':')
				break;
			c = getc(fp);
			if (c == EOF)
				return NULL;
		}
		if (!is_blank_c(c)) {
			if (skip_rest(fp) == EOF)
				return NULL;
			continue;
		}
		/* As in libpcap, a newline right after the address does not end
		   the entry: the name is looked for on the next line. */
		c = skip_blanks(fp);
		if (c == EOF)
			return NULL;
		if (c == '\n')
			continue;	/* an address without a name */
		if (c == '#') {
			if (skip_rest(fp) == EOF)
				return NULL;
			continue;
		}

		/* The name, up to the first blank (truncated to fit). */
		bp = e.name;
		room = sizeof e.name - 1;
		do {
			*bp++ = (char)c;
			c = getc(fp);
			if (c == EOF)
				return NULL;	/* a last line without newline, as libpcap */
		} while (!is_blank_c(c) && --room != 0);
		*bp = '\0';
		if (c != '\n')
			(void)skip_rest(fp);
		return &e;
	}
}

/* ---- host names ---------------------------------------------------------------- */

int
nm_ether_hostton(const char *name, u_char addr[6])
{
#ifdef __GLIBC__
	struct ether_addr ea;

	if (name == NULL || ether_hostton(name, &ea) != 0)
		return 0;
	memcpy(addr, ea.ether_addr_octet, 6);
	return 1;
#else
	struct pcap_etherent *ep;
	FILE *fp;
	int found = 0;

	if (name == NULL)
		return 0;
	fp = fopen(PCAP_ETHERS_FILE, "re");
	if (fp == NULL)
		return 0;
	while (!found && (ep = pcap_next_etherent(fp)) != NULL) {
		if (strcasecmp(ep->name, name) == 0) {
			memcpy(addr, ep->addr, 6);
			found = 1;
		}
	}
	fclose(fp);
	return found;
#endif
}

u_char *
pcap_ether_hostton(const char *name)
{
	u_char a[6], *ap;

	if (!nm_ether_hostton(name, a))
		return NULL;
	ap = malloc(6);
	if (ap != NULL)
		memcpy(ap, a, 6);
	return ap;
}

/* ---- address text ---------------------------------------------------------------- */

/* "xxxxxxxxxxxx" (12 digits) or "xxxx.xxxx.xxxx". */
static int
mac48_grouped(const char *s, u_char addr[6])
{
	size_t len = strlen(s), i, j = 0;
	u_char out[6];
	int nib = 0;

	if (len != 12 && len != 14)
		return 0;
	for (i = 0; i < len; i++) {
		if (len == 14 && (i == 4 || i == 9)) {
			if (s[i] != '.')
				return 0;
			continue;
		}
		if (!is_hex((unsigned char)s[i]))
			return 0;
		if (nib == 0)
			out[j] = (u_char)(hex_val(s[i]) << 4);
		else
			out[j++] |= hex_val(s[i]);
		nib ^= 1;
	}
	memcpy(addr, out, 6);
	return 1;
}

/* Six groups of one or two digits, one separator (':', '-' or '.') used
   throughout. */
static int
mac48_separated(const char *s, u_char addr[6])
{
	u_char out[6];
	char sep = 0;
	int i;

	for (i = 0; i < 6; i++) {
		if (i > 0) {
			if (sep == 0 && (*s == ':' || *s == '-' || *s == '.'))
				sep = *s;
			if (sep == 0 || *s != sep)
				return 0;
			s++;
		}
		if (!is_hex((unsigned char)*s))
			return 0;
		out[i] = hex_val(*s++);
		if (is_hex((unsigned char)*s))
			out[i] = (u_char)(out[i] << 4 | hex_val(*s++));
	}
	if (*s != '\0')
		return 0;
	memcpy(addr, out, 6);
	return 1;
}

int
nm_atomac48(const char *s, u_char addr[6])
{
	if (s == NULL)
		return 0;
	return mac48_grouped(s, addr) || mac48_separated(s, addr);
}

int
nm_atoan(const char *s, u_char *addr)
{
	u_char v;

	if (s == NULL || s[0] != '$' || !is_hex((unsigned char)s[1]))
		return 0;
	v = hex_val(s[1]);
	if (s[2] != '\0') {
		if (!is_hex((unsigned char)s[2]) || s[3] != '\0')
			return 0;
		v = (u_char)(v << 4 | hex_val(s[2]));
	}
	*addr = v;
	return 1;
}

u_char *
pcap_ether_aton(const char *s)
{
	u_char a[6], *ep;

	/* Only the documented forms: anything else is refused (NULL). */
	if (!nm_atomac48(s, a))
		return NULL;
	ep = malloc(6);
	if (ep != NULL)
		memcpy(ep, a, 6);
	return ep;
}
