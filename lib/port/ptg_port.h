/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * portgate ports: bring one ethdev port up from a drivers-config profile.
 *
 * A profile is an INI file (read with rte_cfgfile) that names the device
 * (a vdev string or a PCI address), its queues and descriptor counts, MTU,
 * the offloads wanted, RSS, promiscuous mode and how long to wait for link.
 * Loading happens in three steps so that bad input is reported before
 * anything is started:
 *
 *   1. ptg_port_profile_load()         parse + validate (before rte_eal_init)
 *   2. ptg_port_profile_check_device() the device exists (before rte_eal_init)
 *      ptg_port_profile_eal_args()     EAL arguments (--vdev / -a, --no-pci)
 *   3. ptg_port_open()                 configure, queues, start (after EAL)
 *      ptg_port_wait_link()
 *
 * Every error message names the file and line it comes from ("FILE:LINE:
 * ..."). rte_cfgfile does not track lines, so the INI helper below scans
 * the file itself to map each section and key to its line; it also expands
 * ${VAR} and ${VAR:-default} from the environment in values.
 *
 * The same INI helper (ptg_port_ini_*) reads the app's --config file.
 *
 * Profile format (comments start with ';'; see drivers-config/):
 * @code
 * [device]
 * vdev = net_tap0,iface=${PTG_TAP_IFACE:-ptg0}  ; or: pci = 0000:3b:00.0
 * queues_devarg = queues   ; vdev devarg that sets its queue count
 * eal_args = --single-file-segments            ; extra EAL options
 * [queues]
 * rx_queues = auto   ; auto: one per worker; or N (must equal --workers)
 * tx_queues = auto   ; auto: one per worker; or N (at least --workers)
 * rx_desc = 1024
 * tx_desc = 1024
 * [port]
 * mtu = 1500         ; 0: leave the device's
 * promiscuous = no
 * link_wait_ms = 5000
 * link_required = no ; yes: link still down after the wait is an error
 * [offloads]
 * rx_checksum = yes  ; used only where the device reports the capability
 * tx_checksum = yes
 * tso = no
 * [rss]
 * mode = auto        ; auto | on | off (used when there is >1 RX queue)
 * key = symmetric    ; or the key in hex, as long as the device's key
 * @endcode
 */
#ifndef PTG_PORT_H
#define PTG_PORT_H

#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The public API: exported although the library builds with hidden
 * visibility (see lib/meson.build). */
#pragma GCC visibility push(default)

/* ------------------------------------------------------------------ */
/* INI files with line numbers                                         */
/* ------------------------------------------------------------------ */

/** Longest value after ${VAR} expansion, terminating NUL included. */
#define PTG_PORT_INI_VALUE_MAX 1024

/** An INI file loaded with rte_cfgfile, plus the line of every entry. */
struct ptg_port_ini;

/** One allowed (section, key) of an INI schema. */
struct ptg_port_ini_key {
	const char *section;  /**< section name, without brackets */
	const char *key;      /**< key name */
	int repeatable;       /**< non-zero: the key may appear several times */
};

/**
 * Load an INI file. Comments start with ';'. Lines are checked for the
 * forms rte_cfgfile accepts and would otherwise drop or truncate silently
 * (text that is neither "[section]" nor "key = value", keys outside a
 * section, duplicate sections, over-long names, values or lines).
 *
 * @param path   file to read.
 * @param err    receives "FILE:LINE: why" on failure.
 * @param errlen size of @p err.
 * @return the file, or NULL with rte_errno set: ENOENT/EACCES (cannot open),
 *         EINVAL (malformed, message in @p err), ENOMEM.
 */
struct ptg_port_ini *ptg_port_ini_load(const char *path, char *err,
				       size_t errlen);

/**
 * Load INI text held in memory, under the display name @p name (used in
 * messages). The text goes through rte_cfgfile like a file does.
 * @return as ptg_port_ini_load().
 */
struct ptg_port_ini *ptg_port_ini_parse(const char *name, const char *text,
					char *err, size_t errlen);

/** Free a loaded file. Accepts NULL. */
void ptg_port_ini_free(struct ptg_port_ini *ini);

/** Display name of the file (its path, or the name given to _parse()). */
const char *ptg_port_ini_name(const struct ptg_port_ini *ini);

/**
 * Check every section and key against @p schema.
 * @return 0; -EINVAL with "FILE:LINE: unknown section/key ..." or
 *         "duplicate key" in @p err.
 */
int ptg_port_ini_check(const struct ptg_port_ini *ini,
		       const struct ptg_port_ini_key *schema, size_t n,
		       char *err, size_t errlen);

/** Whether section @p section exists. */
int ptg_port_ini_has_section(const struct ptg_port_ini *ini,
			     const char *section);

/** Line of section @p section's header, 0 when absent. */
unsigned int ptg_port_ini_section_line(const struct ptg_port_ini *ini,
				       const char *section);

/** How many times @p key appears in @p section. */
unsigned int ptg_port_ini_count(const struct ptg_port_ini *ini,
				const char *section, const char *key);

/**
 * Occurrence @p idx of @p section / @p key, with ${VAR} and ${VAR:-default}
 * expanded from the environment (a '$' not followed by '{' is literal).
 *
 * @param buf   receives the expanded value.
 * @param line  if not NULL, receives the entry's line.
 * @return 0; -ENOENT absent (no message); -EINVAL unset variable or
 *         malformed ${...}; -ENAMETOOLONG expansion too long (message).
 */
int ptg_port_ini_get(const struct ptg_port_ini *ini, const char *section,
		     const char *key, unsigned int idx, char *buf, size_t len,
		     unsigned int *line, char *err, size_t errlen);

/**
 * Unsigned integer value in [@p min, @p max] (decimal, or 0x hex).
 * @return 0; -ENOENT absent (*val untouched); -EINVAL with a message.
 */
int ptg_port_ini_get_uint(const struct ptg_port_ini *ini, const char *section,
			  const char *key, uint64_t min, uint64_t max,
			  uint64_t *val, char *err, size_t errlen);

/**
 * Boolean value: yes/no, on/off, true/false, 1/0.
 * @return 0; -ENOENT absent (*val untouched); -EINVAL with a message.
 */
int ptg_port_ini_get_bool(const struct ptg_port_ini *ini, const char *section,
			  const char *key, int *val, char *err, size_t errlen);

/**
 * Format "FILE:LINE: message" (or "FILE: message" when @p line is 0)
 * into @p err. Returns -EINVAL so callers can `return ptg_port_ini_errf()`.
 */
int ptg_port_ini_errf(const struct ptg_port_ini *ini, unsigned int line,
		      char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/**
 * Expand ${VAR} / ${VAR:-default} in @p in (the rules of ptg_port_ini_get()).
 * @param why receives the reason on failure (no file name).
 * @return 0, -EINVAL, -ENAMETOOLONG.
 */
int ptg_port_env_expand(const char *in, char *out, size_t outlen,
			char *why, size_t whylen);

/* ------------------------------------------------------------------ */
/* Profiles                                                            */
/* ------------------------------------------------------------------ */

/** Longest device string (vdev or PCI address with devargs). */
#define PTG_PORT_DEV_MAX 512
/** Longest RSS key accepted, in bytes. */
#define PTG_PORT_RSS_KEY_MAX 128
/** Longest display name of a profile. */
#define PTG_PORT_SOURCE_MAX 256

/** Offloads a profile asks for (ptg_port_profile.offloads_wanted). */
#define PTG_PORT_WANT_RX_CKSUM (1u << 0) /**< IPv4 + TCP RX checksum */
#define PTG_PORT_WANT_TX_CKSUM (1u << 1) /**< IPv4 + TCP TX checksum */
#define PTG_PORT_WANT_TSO      (1u << 2) /**< TCP segmentation */

/** RSS use when the port has more than one RX queue. */
enum ptg_port_rss_mode {
	PTG_PORT_RSS_AUTO = 0, /**< when the device supports it */
	PTG_PORT_RSS_ON,       /**< required: error if unsupported */
	PTG_PORT_RSS_OFF,      /**< never (the driver or peer spreads flows) */
};

/**
 * How flows reach the workers ([queues] mode), read by the app to pick
 * the dataplane mode (ptg_dataplane.h).
 */
enum ptg_port_mode {
	PTG_PORT_MODE_AUTO = 0, /**< rtc with usable RSS, else pipeline */
	PTG_PORT_MODE_RTC,      /**< one queue pair per worker */
	PTG_PORT_MODE_PIPELINE, /**< one queue, an I/O lcore steers */
};

/** Lines the values of a profile came from (0: default, not in file). */
struct ptg_port_profile_lines {
	unsigned int device;
	unsigned int queues_devarg;
	unsigned int eal_args;
	unsigned int rx_queues;
	unsigned int tx_queues;
	unsigned int rx_desc;
	unsigned int tx_desc;
	unsigned int mtu;
	unsigned int link_required;
	unsigned int offloads;
	unsigned int rss_mode;
	unsigned int rss_key;
	unsigned int mode;
};

/** A loaded profile: everything needed to bring the port up. */
struct ptg_port_profile {
	char source[PTG_PORT_SOURCE_MAX]; /**< file name, for messages */
	char device[PTG_PORT_DEV_MAX];    /**< expanded vdev string or PCI
					       address[,devargs] */
	char dev_name[64];                /**< ethdev name it probes as */
	uint8_t is_pci;                   /**< device is a PCI address */
	char queues_devarg[32];           /**< vdev devarg for the queue
					       count ("" if none) */
	char eal_args[PTG_PORT_DEV_MAX];  /**< extra EAL options, split on
					       blanks */
	uint16_t rx_queues;               /**< 0: one per worker */
	uint16_t tx_queues;               /**< 0: one per worker */
	uint16_t rx_desc;                 /**< RX descriptors per queue */
	uint16_t tx_desc;                 /**< TX descriptors per queue */
	uint16_t mtu;                     /**< 0: the device's default */
	uint8_t promiscuous;
	uint8_t link_required;            /**< link down at timeout: error */
	uint32_t link_wait_ms;            /**< how long to wait for link */
	uint32_t offloads_wanted;         /**< PTG_PORT_WANT_* */
	enum ptg_port_rss_mode rss_mode;
	enum ptg_port_mode mode;          /**< [queues] mode */
	uint8_t rss_key_len;              /**< 0: symmetric 0x6d5a pattern
					       sized for the device */
	uint8_t rss_key[PTG_PORT_RSS_KEY_MAX];
	struct ptg_port_profile_lines line; /**< where each value came from */
};

/** Display name of the built-in profile (drivers-config/tap.ini). */
#define PTG_PORT_PROFILE_EMBEDDED_NAME "<embedded drivers-config/tap.ini>"

/** Text of the built-in profile, drivers-config/tap.ini at build time. */
const char *ptg_port_profile_embedded(void);

/**
 * Load and validate a profile. Works before rte_eal_init().
 *
 * @param p     filled on success.
 * @param path  profile file, or NULL for the embedded tap profile.
 * @return 0; -EINVAL (message "FILE:LINE: ..." in @p err), -ENOENT,
 *         -EACCES (cannot read, message), -ENOMEM.
 */
int ptg_port_profile_load(struct ptg_port_profile *p, const char *path,
			  char *err, size_t errlen);

/** Display name of the profile of a device named on the EAL command
 *  line (ptg_port_profile_for_device()). */
#define PTG_PORT_PROFILE_EAL_NAME "<EAL device>"

/**
 * The profile of a device that EAL probes on its own (named with --vdev
 * or -a on the EAL command line, or a PCI NIC bound to a DPDK driver):
 * @p dev_name is its ethdev name (rte_eth_dev_get_name_by_port()), and
 * every other setting has the value a profile gets when its key is
 * absent (queues auto, 1024 descriptors, the device's MTU, checksum
 * offloads where reported, RSS auto with a symmetric key, mode auto).
 * Such a profile adds no EAL arguments of its own: the caller passes
 * none of ptg_port_profile_eal_args().
 * @return 0, or -EINVAL (no name, or one too long; message in @p err).
 */
int ptg_port_profile_for_device(struct ptg_port_profile *p,
				const char *dev_name, char *err,
				size_t errlen);

/**
 * Check that the profile fits @p nb_workers workers (one RX/TX queue
 * pair each) as far as the profile alone can tell.
 * @return 0, or -EINVAL with a message.
 */
int ptg_port_profile_check_workers(const struct ptg_port_profile *p,
				   unsigned int nb_workers,
				   char *err, size_t errlen);

/**
 * Check, before rte_eal_init(), that the device the profile names is on
 * this machine: a PCI address in sysfs; for net_af_packet the interface;
 * for net_virtio_user (client) and net_vhost (client=1) the socket; for
 * net_tap /dev/net/tun.
 * @return 0, or -ENODEV with "FILE:LINE: ..." in @p err.
 */
int ptg_port_profile_check_device(const struct ptg_port_profile *p,
				  char *err, size_t errlen);

/**
 * EAL arguments the profile needs: its eal_args, then "--vdev DEV" (with
 * queues_devarg=@p nb_queues appended when set) or "-a PCI", and
 * "--no-pci" for a vdev when @p add_no_pci is non-zero.
 *
 * @param buf,buflen storage for the strings @p argv points into.
 * @param argv       receives the arguments.
 * @param max        room in @p argv.
 * @return number of arguments, or -ENOSPC.
 */
int ptg_port_profile_eal_args(const struct ptg_port_profile *p,
			      unsigned int nb_queues, int add_no_pci,
			      char *buf, size_t buflen, char **argv, int max);

/* ------------------------------------------------------------------ */
/* Ports                                                               */
/* ------------------------------------------------------------------ */

/** Port features enabled besides the PTG_NET_OFF_* checksum offloads. */
#define PTG_PORT_F_TSO        (1u << 0) /**< RTE_ETH_TX_OFFLOAD_TCP_TSO */
#define PTG_PORT_F_MULTI_SEGS (1u << 1) /**< chained mbufs on TX */
#define PTG_PORT_F_RSS        (1u << 2) /**< RSS over the RX queues */

/** What ptg_port_open() needs besides the profile. */
struct ptg_port_params {
	uint16_t nb_queues;  /**< RX/TX queue pairs: one per worker */
	uint32_t nb_mbufs;   /**< mempool size; raised to what the queues
				  need (0: 65535) */
	uint32_t mbuf_cache; /**< per-lcore mempool cache (0: 256) */
	/** The 16-bit word the symmetric RSS key repeats (profile key =
	 *  symmetric); 0: 0x6d5a. Draw a fresh one per start
	 *  (ptg_steer_key_random()) so the mapping of flows to queues is not
	 *  the well-known one. */
	uint16_t rss_word;
};

/** What a probed device offers for spreading flows over cores. */
struct ptg_port_caps {
	uint16_t max_rx_queues;
	uint16_t max_tx_queues;
	uint16_t reta_size;       /**< redirection table entries (0: none) */
	uint8_t hash_key_size;    /**< RSS key bytes (0: not reported) */
	uint8_t rss_tcp;          /**< hashes IPv4 TCP 4-tuples */
};

/**
 * Read the capabilities of the profile's device (after rte_eal_init(),
 * before ptg_port_open()), to choose the dataplane mode.
 * @return 0; -ENODEV (not probed); the driver's error.
 */
int ptg_port_probe_caps(const struct ptg_port_profile *p,
			struct ptg_port_caps *caps);

/** An open, started port. */
struct ptg_port;

/**
 * Open the profile's port (after rte_eal_init()): find the probed device,
 * create the mbuf pool, configure queues, MTU, the offloads the device
 * reports, RSS with the profile's key, promiscuous mode, and start it.
 *
 * @return the port, or NULL with rte_errno set and a message in @p err:
 *         ENODEV (device not probed), EINVAL (the profile asks for what the
 *         device cannot do: queues, MTU, RSS key length), ENOMEM, or the
 *         driver's error.
 */
struct ptg_port *ptg_port_open(const struct ptg_port_profile *p,
			       const struct ptg_port_params *params,
			       char *err, size_t errlen);

/**
 * Wait up to the profile's link_wait_ms for link up, polling every 50 ms.
 * @param abort if not NULL, the wait ends early when it returns non-zero.
 * @return 0 link up (or down but not required: a warning is logged);
 *         -ETIMEDOUT link required and down (message); -EINTR aborted.
 */
int ptg_port_wait_link(struct ptg_port *port, int (*abort)(void),
		       char *err, size_t errlen);

/** Stop and close the port, free its mempool. Accepts NULL. */
void ptg_port_close(struct ptg_port *port);

/** ethdev port id. */
uint16_t ptg_port_id(const struct ptg_port *port);

/** ethdev name (e.g. "net_tap0", "0000:3b:00.0"). */
const char *ptg_port_name(const struct ptg_port *port);

/** Driver name (e.g. "net_tap"). */
const char *ptg_port_driver(const struct ptg_port *port);

/** MAC address of the port. */
void ptg_port_mac(const struct ptg_port *port, struct rte_ether_addr *mac);

/** MTU in force. */
uint16_t ptg_port_mtu(const struct ptg_port *port);

/** Checksum offloads enabled, as PTG_NET_OFF_* bits for ptg_net_config. */
uint32_t ptg_port_net_offloads(const struct ptg_port *port);

/** Other features enabled (PTG_PORT_F_*). */
uint32_t ptg_port_features(const struct ptg_port *port);

/** Largest redirection table ptg_port_set_reta() programs. */
#define PTG_PORT_RETA_MAX 512

/** RSS redirection table entries of the open port (0: RSS off). */
uint16_t ptg_port_reta_size(const struct ptg_port *port);

/**
 * Copy the RSS key in force to @p key (PTG_PORT_RSS_KEY_MAX bytes).
 * @return its length, 0 when RSS is off.
 */
unsigned int ptg_port_rss_key(const struct ptg_port *port, uint8_t *key);

/**
 * Program the redirection table: entry i sends hash values whose low
 * bits are i to queue @p reta[i]; @p size must be the port's reta size.
 * @return 0; -EINVAL; -ENOTSUP (RSS off); the driver's error.
 */
int ptg_port_set_reta(struct ptg_port *port, const uint16_t *reta,
		      uint16_t size);

/** RX/TX queue pairs configured. */
uint16_t ptg_port_nb_queues(const struct ptg_port *port);

/** The mbuf pool of the port (RX and every frame the stack builds). */
struct rte_mempool *ptg_port_mempool(const struct ptg_port *port);

/** NUMA socket of the port (a valid socket, never SOCKET_ID_ANY). */
int ptg_port_socket(const struct ptg_port *port);

/**
 * One-line description: name, driver, MAC, MTU, queues, descriptors,
 * offloads and RSS. @return snprintf()'s result.
 */
int ptg_port_describe(const struct ptg_port *port, char *buf, size_t len);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PTG_PORT_H */
