/*
 * pcap-int.h - the private side of a pcap_t: the handle struct, the backend
 * ops table every source fills in, and the core helpers shared across the
 * subsystems (core_, sf_, dl_, vm_ prefixes).  Nothing here is exported:
 * the library is compiled with -fvisibility=hidden and only PCAP_API names
 * leave it.
 */
#ifndef PCAP_CORE_PCAP_INT_H
#define PCAP_CORE_PCAP_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>

#include <pcap/pcap.h>

#define INTERNAL __attribute__((visibility("hidden")))

/* Largest snapshot length we ever use (libpcap's MAXIMUM_SNAPLEN). */
#define MAXIMUM_SNAPLEN 262144

struct core_pkt;		/* core/batch.h */

/*
 * What a caller (the Python extension) wants done around the reads that
 * can block inside a source's read or next_packet (a savefile's reads from
 * its stream): leave(arg) just before such a read and enter(arg) just after
 * it, in the same thread (both or neither); interrupted(arg) when a read
 * was cut by a signal (EINTR): 0 reads on, else the read fails; wakeable:
 * pcap_breakloop from another thread ends a read blocked on a pipe or
 * socket (whose FILE the caller made unbuffered before the open), which
 * then fails with "Operation canceled".
 */
struct core_read_hooks {
	void (*leave)(void *);
	void (*enter)(void *);
	int (*interrupted)(void *);
	void *arg;
	int wakeable;
};

/* What a backend's wait may answer besides 1 (look) and 0 (timed out):
   a signal arrived (the caller may act on it, then wait again). */
#define CORE_WAIT_SIGNAL (-100)

/*
 * Backend operations.  Each kind of source (savefile, dead handle, Linux
 * AF_PACKET, netfilter, replay, ...) fills one table; callers never test
 * which backend they hold.  A NULL entry means "not supported by this
 * backend": the core then answers the libpcap way for that call.
 */
struct pcap_ops {
	int (*activate)(pcap_t *);
	/*
	 * Deliver up to cnt packets (cnt <= 0: all available in one batch) to
	 * cb, waiting as the handle's timeout and blocking mode say.  Returns
	 * the number delivered, 0 (timeout, or the end of a finite source),
	 * PCAP_ERROR or PCAP_ERROR_BREAK.  Applies the userland filter.
	 */
	int (*read)(pcap_t *, int cnt, pcap_handler cb, u_char *user);
	/* A read that returns 0 means the end of the input (savefiles), not
	   a timeout: pcap_loop stops there, pcap_next_ex says so. */
	int finite;
	/*
	 * Fetch the next raw record for a savefile-like source: 1 and fill
	 * hdr and data (data valid until the next call), 0 at end of input,
	 * PCAP_ERROR (message in p->errbuf).  No filtering here.
	 */
	int (*next_packet)(pcap_t *, struct pcap_pkthdr *hdr, const u_char **data);
	/*
	 * What the block of the record next_packet just gave said (a pcapng
	 * file read natively): fill pk's iface, flags and options.  Returns
	 * 1 when that record's link type is not the handle's (a filter never
	 * matches it), else 0.
	 */
	int (*record_meta)(pcap_t *, struct core_pkt *pk);
	/*
	 * Live sources, for callers that do their own waiting (the batch
	 * path, core_read_live): read_ready delivers like read but only what
	 * is there now, never waiting (0: nothing); wait blocks until packets
	 * may be there (1), timeout_ms passed (0; < 0 waits without limit),
	 * pcap_breakloop was called (PCAP_ERROR_BREAK, the break taken),
	 * a signal arrived (CORE_WAIT_SIGNAL) or PCAP_ERROR.
	 */
	int (*read_ready)(pcap_t *, int cnt, pcap_handler cb, u_char *user);
	int (*wait)(pcap_t *, int timeout_ms);
	int (*inject)(pcap_t *, const void *, size_t);
	int (*setfilter)(pcap_t *, struct bpf_program *);
	int (*setdirection)(pcap_t *, pcap_direction_t);
	int (*set_datalink)(pcap_t *, int);
	int (*getnonblock)(pcap_t *);
	int (*setnonblock)(pcap_t *, int);
	int (*stats)(pcap_t *, struct pcap_stat *);
	/* Wake a wait or read in progress; p->break_loop is already set. */
	void (*breakloop)(pcap_t *);
	void (*cleanup)(pcap_t *);
	int (*can_set_rfmon)(pcap_t *);	/* NULL: answers 0 (no) */
	/* pcap_get_required_select_timeout; NULL: none. */
	const struct timeval *(*required_select_timeout)(pcap_t *);
	/* Join a PACKET_FANOUT-like group (cap_set_fanout); NULL: refused. */
	int (*set_fanout)(pcap_t *, int group_id, int mode);
	/* Install read hooks (core_set_read_hooks); NULL: reads of this
	   source never block the caller (or cannot be hooked). */
	int (*set_read_hooks)(pcap_t *, const struct core_read_hooks *);
};

/*
 * A source of live handles.  As in libpcap, a platform has its own
 * interfaces (cap_platform_source: every device name no other source
 * takes, listed first by pcap_findalldevs) and a table of named sources
 * (libpcap's capture_source_types: nflog, ..., tried first by pcap_create,
 * in order).  Both are defined in capture/sources-PLATFORM.c, picked by
 * tools/build_sources.py.
 */
struct cap_source {
	/* Add the devices this source offers to *list (core_add_dev);
	   0, or PCAP_ERROR with errbuf set. */
	int (*findalldevs)(pcap_if_t **list, char *errbuf);
	/*
	 * Is p->opt.device one of ours?  1: p's ops (and priv) are set up
	 * for the setters and activation; 0: not ours; PCAP_ERROR with
	 * p->errbuf set.  Also called on a handle of its own after a failed
	 * activation, to make it a fresh, activatable handle again.
	 */
	int (*create)(pcap_t *p);
};
/* NULL-terminated, in the order tried and listed. */
extern const struct cap_source *const cap_source_table[] INTERNAL;
extern const struct cap_source *const cap_platform_source INTERNAL;

/* Options set between pcap_create and pcap_activate. */
struct pcap_opt {
	char *device;
	int timeout;		/* ms */
	u_int buffer_size;
	int promisc;
	int rfmon;
	int immediate;
	int nonblock;
	int tstamp_type;
	int tstamp_precision;
	int protocol;		/* Linux: socket protocol, 0 = ETH_P_ALL */
};

struct pcap {
	const struct pcap_ops *ops;
	const struct cap_source *source;	/* live handles: who made it */
	void *priv;			/* backend state, owned by the backend */

	int activated;
	volatile int break_loop;	/* set by pcap_breakloop, any thread */
	int reading;		/* inside ops->read with user callbacks */
	int close_pending;	/* pcap_close from one of them: free after */

	int snapshot;
	int linktype;			/* DLT_ value */
	int linktype_ext;		/* upper bits of the savefile linktype */
	int tstamp_type;
	int tstamp_precision;		/* PCAP_TSTAMP_PRECISION_* delivered */

	/* Savefile facts (pcap_is_swapped, pcap_major_version, pcap_file). */
	int swapped;
	int version_major;
	int version_minor;
	FILE *rfile;

	/* Code-generation flags for pcap_compile on this handle
	   (BPF_SPECIAL_*: the live Linux backend sets which kernel BPF
	   extensions filters may use). */
	u_int bpf_codegen_flags;

	int fd;				/* pcap_fileno: capture socket, or -1 */
	int selectable_fd;		/* pcap_get_selectable_fd, or -1 */
	int bufsize;			/* pcap_bufsize */
	pcap_direction_t direction;

	struct pcap_opt opt;

	/* Userland filter: a private copy of the program (bf_insns NULL if
	   none) and its predecoded form, which the read loops run. */
	struct bpf_program fcode;
	struct vm_prog *fprog;

	/* Lists handed out by pcap_list_datalinks / pcap_list_tstamp_types. */
	int dlt_count;
	int *dlt_list;
	int tstamp_type_count;
	int *tstamp_type_list;

	/* core_batch_read: an error met after a batch's packets, to report
	   at the next call (0: none; its text stays in errbuf). */
	int batch_status;

	/* pcap_next / pcap_next_ex state. */
	struct pcap_pkthdr pkthdr;
	const u_char *oneshot_data;

	char errbuf[PCAP_ERRBUF_SIZE + 1];
};

/* Dumper: an output savefile. */
struct pcap_dumper {
	FILE *f;
	int owns_file;			/* close f in pcap_dump_close */
	int precision;			/* PCAP_TSTAMP_PRECISION_* written */
};

/* ---- core/handle.c ---------------------------------------------------- */
/* Allocate a zeroed handle with defaults; errbuf gets the message on NULL. */
INTERNAL pcap_t *core_alloc(char *errbuf);
/* Setter guard: PCAP_ERROR_ACTIVATED with libpcap's message, else 0. */
INTERNAL int core_check_not_activated(pcap_t *p);
/* Free everything the core owns (filter, lists, device) after ops->cleanup. */
INTERNAL void core_free(pcap_t *p);
/* Generic read loop for sources with next_packet: filter + callback. */
INTERNAL int core_read_records(pcap_t *p, int cnt, pcap_handler cb, u_char *user);
/* Install a private copy of prog as the userland filter (validated and
   predecoded once; "BPF program is not valid" if bpf_validate refuses). */
INTERNAL int core_install_userland_filter(pcap_t *p, const struct bpf_program *prog);

/* ---- core/registry.c -------------------------------------------------- */
/* The set of open handles/dumpers: add at creation (-1 on ENOMEM), remove
   at close (1 if it was open, 0 if unknown: a second close is a no-op). */
INTERNAL int core_registry_add(void *obj);
INTERNAL int core_registry_remove(void *obj);
/* 1 if obj is an open handle or dumper; 0 for NULL or anything else. */
INTERNAL int core_registry_has(const void *obj);
/* What an API function returns for a handle that is NULL or closed (libpcap
   would crash): its error value, without touching the handle. */
#define CORE_REQUIRE(obj, ret)						\
	do {								\
		if (!core_registry_has(obj))				\
			return ret;					\
	} while (0)
/* errbuf, or (NULL: libpcap would crash writing there) this thread's
   scratch buffer, whose text nobody reads. */
INTERNAL char *core_errbuf(char *errbuf);
/* The text pcap_geterr gives for such a handle. */
#define CORE_NOT_OPEN_TEXT "not an open pcap_t (NULL, or closed already)"

/* ---- core/errors.c ---------------------------------------------------- */
/* printf into an errbuf of PCAP_ERRBUF_SIZE, always terminated. */
INTERNAL void core_fmt(char *errbuf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Like core_fmt, then append ": " and strerror(errnum). */
INTERNAL void core_fmt_errno(char *errbuf, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* 1 if a and b are equal ignoring the case of ASCII letters, else 0. */
INTERNAL int core_same_name_ascii(const char *a, const char *b);

/* ---- core/datalink.c -------------------------------------------------- */
/* LINKTYPE_ (savefile) <-> DLT_ (API) mapping, as libpcap does it. */
INTERNAL int dl_linktype_to_dlt(int linktype);
INTERNAL int dl_dlt_to_linktype(int dlt);	/* -1 if unknown */
/* Largest packet a DLT can carry in a savefile (262144 for most). */
INTERNAL u_int dl_max_snaplen_for_dlt(int dlt);

/* ---- savefile/ -------------------------------------------------------- */
/* Open a savefile read from fp (already positioned at 0).  The file header
   sniffing picks the pcap or pcapng reader.  On error NULL + errbuf. */
INTERNAL pcap_t *sf_open_fp(FILE *fp, u_int precision, int owns_fp, char *errbuf);

/* ---- core/create.c ---------------------------------------------------- */
/* pcap_open_live's message for a failed pcap_activate(p) of device with
   status: "DEV: text", "DEV: status (text)" or "DEV: status". */
INTERNAL void core_activate_message(pcap_t *p, int status,
    const char *device, char *out, size_t outlen);

/* ---- core/info.c ------------------------------------------------------- */
/* p's ops->set_read_hooks; PCAP_ERROR when its source has none. */
INTERNAL int core_set_read_hooks(pcap_t *p, const struct core_read_hooks *h);

/* ---- core/wake.c ------------------------------------------------------- */
/* A wake-up descriptor (readable once signalled; -1 with errno). */
INTERNAL int core_wake_open(void);
/* Signal it (pcap_breakloop's part; nothing for fd < 0). */
INTERNAL void core_wake_signal(int fd);
/* Take a wake-up that poll() reported: PCAP_ERROR_BREAK if a break was
   asked for (taken), 0 if it was stale, PCAP_ERROR with p->errbuf. */
INTERNAL int core_wake_take(pcap_t *p, int fd);

/* ---- core/devlist.c ---------------------------------------------------- */
/* The device called name in list, or NULL. */
INTERNAL pcap_if_t *core_find_dev(pcap_if_t *list, const char *name);
/* Insert a new device after every device at least as good (libpcap's
   order: running, up, connected, not loopback, then by instance number);
   NULL with errbuf set when out of memory. */
INTERNAL pcap_if_t *core_add_dev(pcap_if_t **list, const char *name,
    bpf_u_int32 flags, const char *description, char *errbuf);

/* ---- core/live.c ------------------------------------------------------- */
/*
 * A read for sources with read_ready and wait: deliver what is ready,
 * else wait up to timeout_ms (< 0: until a packet; 0: do not wait) and
 * look again.  0 on timeout or signal, as libpcap's live reads.
 */
INTERNAL int core_read_live(pcap_t *p, int cnt, pcap_handler cb,
    u_char *user, int timeout_ms);
/* Run the userland filter on one packet: 1 to deliver it. */
INTERNAL int core_passes_filter(pcap_t *p, const struct pcap_pkthdr *h,
    const u_char *data);

/* Drop the userland filter (p->fcode and p->fprog). */
INTERNAL void core_drop_userland_filter(pcap_t *p);

/* ---- bpf/ ------------------------------------------------------------- */
/* bpf_filter with the same semantics, used by the core's userland filter. */
INTERNAL u_int vm_filter(const struct bpf_insn *pc, const u_char *p,
			 u_int wirelen, u_int buflen);

#endif /* PCAP_CORE_PCAP_INT_H */
