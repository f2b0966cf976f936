/*
 * datalink.c - the link-layer type tables: DLT_ names and descriptions for
 * pcap_datalink_name_to_val() and friends, and the internal mapping between
 * DLT_ codes (what the API speaks) and LINKTYPE_ codes (what savefiles
 * hold), with the largest snapshot length each type allows.
 *
 * The names and description texts are libpcap's (master branch), since
 * programs print and compare them.
 */
#include <stddef.h>
#include <stdio.h>

#include "pcap-int.h"

struct dl_type {
	int dlt;
	const char *name;		/* DLT_ name without the prefix */
	const char *description;
};

/* Sorted by code, one entry per code: lookups by value bisect. */
static const struct dl_type dl_types[] = {
	{ DLT_NULL, "NULL", "BSD loopback" },
	{ DLT_EN10MB, "EN10MB", "Ethernet" },
	{ DLT_IEEE802, "IEEE802", "Token ring" },
	{ DLT_ARCNET, "ARCNET", "BSD ARCNET" },
	{ DLT_SLIP, "SLIP", "SLIP" },
	{ DLT_PPP, "PPP", "PPP" },
	{ DLT_FDDI, "FDDI", "FDDI" },
	{ DLT_ATM_RFC1483, "ATM_RFC1483", "RFC 1483 LLC-encapsulated ATM" },
	{ DLT_RAW, "RAW", "Raw IP" },
	{ DLT_SLIP_BSDOS, "SLIP_BSDOS", "BSD/OS SLIP" },
	{ DLT_PPP_BSDOS, "PPP_BSDOS", "BSD/OS PPP" },
	{ DLT_ATM_CLIP, "ATM_CLIP", "Linux Classical IP over ATM" },
	{ DLT_PPP_SERIAL, "PPP_SERIAL", "PPP over serial" },
	{ DLT_PPP_ETHER, "PPP_ETHER", "PPPoE" },
	{ DLT_SYMANTEC_FIREWALL, "SYMANTEC_FIREWALL", "Symantec Firewall" },
	{ DLT_C_HDLC, "C_HDLC", "Cisco HDLC" },
	{ DLT_IEEE802_11, "IEEE802_11", "802.11" },
	{ DLT_FRELAY, "FRELAY", "Frame Relay" },
	{ DLT_LOOP, "LOOP", "OpenBSD loopback" },
	{ DLT_ENC, "ENC", "OpenBSD encapsulated IP" },
	{ DLT_LINUX_SLL, "LINUX_SLL", "Linux cooked v1" },
	{ DLT_LTALK, "LTALK", "Localtalk" },
	{ DLT_PFLOG, "PFLOG", "OpenBSD pflog file" },
	{ DLT_PRISM_HEADER, "PRISM_HEADER", "802.11 plus Prism header" },
	{ DLT_IP_OVER_FC, "IP_OVER_FC", "RFC 2625 IP-over-Fibre Channel" },
	{ DLT_SUNATM, "SUNATM", "Sun raw ATM" },
	{ DLT_IEEE802_11_RADIO, "IEEE802_11_RADIO", "802.11 plus radiotap header" },
	{ DLT_ARCNET_LINUX, "ARCNET_LINUX", "Linux ARCNET" },
	{ DLT_JUNIPER_MLPPP, "JUNIPER_MLPPP", "Juniper Multi-Link PPP" },
	{ DLT_JUNIPER_MLFR, "JUNIPER_MLFR", "Juniper Multi-Link Frame Relay" },
	{ DLT_JUNIPER_ES, "JUNIPER_ES", "Juniper Encryption Services PIC" },
	{ DLT_JUNIPER_GGSN, "JUNIPER_GGSN", "Juniper GGSN PIC" },
	{ DLT_JUNIPER_MFR, "JUNIPER_MFR", "Juniper FRF.16 Frame Relay" },
	{ DLT_JUNIPER_ATM2, "JUNIPER_ATM2", "Juniper ATM2 PIC" },
	{ DLT_JUNIPER_SERVICES, "JUNIPER_SERVICES", "Juniper Advanced Services PIC" },
	{ DLT_JUNIPER_ATM1, "JUNIPER_ATM1", "Juniper ATM1 PIC" },
	{ DLT_APPLE_IP_OVER_IEEE1394, "APPLE_IP_OVER_IEEE1394", "Apple IP-over-IEEE 1394" },
	{ DLT_MTP2_WITH_PHDR, "MTP2_WITH_PHDR", "SS7 MTP2 with Pseudo-header" },
	{ DLT_MTP2, "MTP2", "SS7 MTP2" },
	{ DLT_MTP3, "MTP3", "SS7 MTP3" },
	{ DLT_SCCP, "SCCP", "SS7 SCCP" },
	{ DLT_DOCSIS, "DOCSIS", "DOCSIS" },
	{ DLT_LINUX_IRDA, "LINUX_IRDA", "Linux IrDA" },
	{ DLT_USER0, "USER0", "Private use 0" },
	{ DLT_USER1, "USER1", "Private use 1" },
	{ DLT_USER2, "USER2", "Private use 2" },
	{ DLT_USER3, "USER3", "Private use 3" },
	{ DLT_USER4, "USER4", "Private use 4" },
	{ DLT_USER5, "USER5", "Private use 5" },
	{ DLT_USER6, "USER6", "Private use 6" },
	{ DLT_USER7, "USER7", "Private use 7" },
	{ DLT_USER8, "USER8", "Private use 8" },
	{ DLT_USER9, "USER9", "Private use 9" },
	{ DLT_USER10, "USER10", "Private use 10" },
	{ DLT_USER11, "USER11", "Private use 11" },
	{ DLT_USER12, "USER12", "Private use 12" },
	{ DLT_USER13, "USER13", "Private use 13" },
	{ DLT_USER14, "USER14", "Private use 14" },
	{ DLT_USER15, "USER15", "Private use 15" },
	{ DLT_IEEE802_11_RADIO_AVS, "IEEE802_11_RADIO_AVS",
	    "802.11 plus AVS radio information header" },
	{ DLT_JUNIPER_MONITOR, "JUNIPER_MONITOR", "Juniper Passive Monitor PIC" },
	{ DLT_BACNET_MS_TP, "BACNET_MS_TP", "BACnet MS/TP" },
	{ DLT_PPP_PPPD, "PPP_PPPD", "PPP for pppd, with direction flag" },
	{ DLT_JUNIPER_PPPOE, "JUNIPER_PPPOE", "Juniper PPPoE" },
	{ DLT_JUNIPER_PPPOE_ATM, "JUNIPER_PPPOE_ATM", "Juniper PPPoE/ATM" },
	{ DLT_GPRS_LLC, "GPRS_LLC", "GPRS LLC" },
	{ DLT_GPF_T, "GPF_T", "GPF-T" },
	{ DLT_GPF_F, "GPF_F", "GPF-F" },
	{ DLT_JUNIPER_PIC_PEER, "JUNIPER_PIC_PEER", "Juniper PIC Peer" },
	{ DLT_ERF_ETH, "ERF_ETH", "Ethernet with Endace ERF header" },
	{ DLT_ERF_POS, "ERF_POS", "Packet-over-SONET with Endace ERF header" },
	{ DLT_LINUX_LAPD, "LINUX_LAPD", "Linux vISDN LAPD" },
	{ DLT_JUNIPER_ETHER, "JUNIPER_ETHER", "Juniper Ethernet" },
	{ DLT_JUNIPER_PPP, "JUNIPER_PPP", "Juniper PPP" },
	{ DLT_JUNIPER_FRELAY, "JUNIPER_FRELAY", "Juniper Frame Relay" },
	{ DLT_JUNIPER_CHDLC, "JUNIPER_CHDLC", "Juniper C-HDLC" },
	{ DLT_MFR, "MFR", "FRF.16 Frame Relay" },
	{ DLT_JUNIPER_VP, "JUNIPER_VP", "Juniper Voice PIC" },
	{ DLT_A429, "A429", "Arinc 429" },
	{ DLT_A653_ICM, "A653_ICM", "Arinc 653 Interpartition Communication" },
	{ DLT_USB_FREEBSD, "USB_FREEBSD", "USB with FreeBSD header" },
	{ DLT_BLUETOOTH_HCI_H4, "BLUETOOTH_HCI_H4", "Bluetooth HCI UART transport layer" },
	{ DLT_IEEE802_16_MAC_CPS, "IEEE802_16_MAC_CPS", "IEEE 802.16 MAC Common Part Sublayer" },
	{ DLT_USB_LINUX, "USB_LINUX", "USB with Linux header" },
	{ DLT_CAN20B, "CAN20B", "Controller Area Network (CAN) v. 2.0B" },
	{ DLT_IEEE802_15_4_LINUX, "IEEE802_15_4_LINUX", "IEEE 802.15.4 with Linux padding" },
	{ DLT_PPI, "PPI", "Per-Packet Information" },
	{ DLT_IEEE802_16_MAC_CPS_RADIO, "IEEE802_16_MAC_CPS_RADIO",
	    "IEEE 802.16 MAC Common Part Sublayer plus radiotap header" },
	{ DLT_JUNIPER_ISM, "JUNIPER_ISM", "Juniper Integrated Service Module" },
	{ DLT_IEEE802_15_4, "IEEE802_15_4", "IEEE 802.15.4 with FCS" },
	{ DLT_SITA, "SITA", "SITA pseudo-header" },
	{ DLT_ERF, "ERF", "Endace ERF header" },
	{ DLT_RAIF1, "RAIF1", "Ethernet with u10 Networks pseudo-header" },
	{ DLT_IPMB_KONTRON, "IPMB_KONTRON", "IPMB with Kontron pseudo-header" },
	{ DLT_JUNIPER_ST, "JUNIPER_ST", "Juniper Secure Tunnel" },
	{ DLT_BLUETOOTH_HCI_H4_WITH_PHDR, "BLUETOOTH_HCI_H4_WITH_PHDR",
	    "Bluetooth HCI UART transport layer plus pseudo-header" },
	{ DLT_AX25_KISS, "AX25_KISS", "AX.25 with KISS header" },
	{ DLT_I2C_LINUX, "I2C_LINUX", "I2C with Linux/Pigeon Point pseudo-header" },
	{ DLT_IEEE802_15_4_NONASK_PHY, "IEEE802_15_4_NONASK_PHY",
	    "IEEE 802.15.4 with non-ASK PHY data" },
	{ DLT_LINUX_EVDEV, "LINUX_EVDEV", "Linux evdev events" },
	{ DLT_MPLS, "MPLS", "MPLS with label as link-layer header" },
	{ DLT_USB_LINUX_MMAPPED, "USB_LINUX_MMAPPED", "USB with padded Linux header" },
	{ DLT_DECT, "DECT", "DECT" },
	{ DLT_AOS, "AOS", "AOS Space Data Link protocol" },
	{ DLT_WIHART, "WIHART", "WirelessHART" },
	{ DLT_FC_2, "FC_2", "Fibre Channel FC-2" },
	{ DLT_FC_2_WITH_FRAME_DELIMS, "FC_2_WITH_FRAME_DELIMS",
	    "Fibre Channel FC-2 with frame delimiters" },
	{ DLT_IPNET, "IPNET", "Solaris ipnet" },
	{ DLT_CAN_SOCKETCAN, "CAN_SOCKETCAN", "CAN-bus with SocketCAN headers" },
	{ DLT_IPV4, "IPV4", "Raw IPv4" },
	{ DLT_IPV6, "IPV6", "Raw IPv6" },
	{ DLT_IEEE802_15_4_NOFCS, "IEEE802_15_4_NOFCS", "IEEE 802.15.4 without FCS" },
	{ DLT_DBUS, "DBUS", "D-Bus" },
	{ DLT_JUNIPER_VS, "JUNIPER_VS", "Juniper Virtual Server" },
	{ DLT_JUNIPER_SRX_E2E, "JUNIPER_SRX_E2E", "Juniper SRX E2E" },
	{ DLT_JUNIPER_FIBRECHANNEL, "JUNIPER_FIBRECHANNEL", "Juniper Fibre Channel" },
	{ DLT_DVB_CI, "DVB_CI", "DVB-CI" },
	{ DLT_MUX27010, "MUX27010", "MUX27010" },
	{ DLT_STANAG_5066_D_PDU, "STANAG_5066_D_PDU", "STANAG 5066 D_PDUs" },
	{ DLT_JUNIPER_ATM_CEMIC, "JUNIPER_ATM_CEMIC", "Juniper ATM CEMIC" },
	{ DLT_NFLOG, "NFLOG", "Linux netfilter log messages" },
	{ DLT_NETANALYZER, "NETANALYZER", "Ethernet with Hilscher netANALYZER pseudo-header" },
	{ DLT_NETANALYZER_TRANSPARENT, "NETANALYZER_TRANSPARENT",
	    "Ethernet with Hilscher netANALYZER pseudo-header and with preamble and SFD" },
	{ DLT_IPOIB, "IPOIB", "RFC 4391 IP-over-Infiniband" },
	{ DLT_MPEG_2_TS, "MPEG_2_TS", "MPEG-2 transport stream" },
	{ DLT_NG40, "NG40", "ng40 protocol tester Iub/Iur" },
	{ DLT_NFC_LLCP, "NFC_LLCP", "NFC LLCP PDUs with pseudo-header" },
	{ DLT_PFSYNC, "PFSYNC", "Packet filter state syncing" },
	{ DLT_INFINIBAND, "INFINIBAND", "InfiniBand" },
	{ DLT_SCTP, "SCTP", "SCTP" },
	{ DLT_USBPCAP, "USBPCAP", "USB with USBPcap header" },
	{ DLT_RTAC_SERIAL, "RTAC_SERIAL", "Schweitzer Engineering Laboratories RTAC packets" },
	{ DLT_BLUETOOTH_LE_LL, "BLUETOOTH_LE_LL", "Bluetooth Low Energy air interface" },
	{ DLT_NETLINK, "NETLINK", "Linux netlink" },
	{ DLT_BLUETOOTH_LINUX_MONITOR, "BLUETOOTH_LINUX_MONITOR", "Bluetooth Linux Monitor" },
	{ DLT_BLUETOOTH_BREDR_BB, "BLUETOOTH_BREDR_BB",
	    "Bluetooth Basic Rate/Enhanced Data Rate baseband packets" },
	{ DLT_BLUETOOTH_LE_LL_WITH_PHDR, "BLUETOOTH_LE_LL_WITH_PHDR",
	    "Bluetooth Low Energy air interface with pseudo-header" },
	{ DLT_PROFIBUS_DL, "PROFIBUS_DL", "PROFIBUS data link layer" },
	{ DLT_PKTAP, "PKTAP", "Apple PKTAP" },
	{ DLT_EPON, "EPON", "Ethernet with 802.3 Clause 65 EPON preamble" },
	{ DLT_IPMI_HPM_2, "IPMI_HPM_2", "IPMI trace packets" },
	{ DLT_ZWAVE_R1_R2, "ZWAVE_R1_R2", "Z-Wave RF profile R1 and R2 packets" },
	{ DLT_ZWAVE_R3, "ZWAVE_R3", "Z-Wave RF profile R3 packets" },
	{ DLT_WATTSTOPPER_DLM, "WATTSTOPPER_DLM",
	    "WattStopper Digital Lighting Management (DLM) and Legrand Nitoo Open protocol" },
	{ DLT_ISO_14443, "ISO_14443", "ISO 14443 messages" },
	{ DLT_RDS, "RDS", "IEC 62106 Radio Data System groups" },
	{ DLT_USB_DARWIN, "USB_DARWIN", "USB with Darwin header" },
	{ DLT_OPENFLOW, "OPENFLOW", "OpenBSD OpenFlow" },
	{ DLT_SDLC, "SDLC", "IBM SDLC frames" },
	{ DLT_TI_LLN_SNIFFER, "TI_LLN_SNIFFER", "TI LLN sniffer frames" },
	{ DLT_VSOCK, "VSOCK", "Linux vsock" },
	{ DLT_NORDIC_BLE, "NORDIC_BLE", "Nordic Semiconductor Bluetooth LE sniffer frames" },
	{ DLT_DOCSIS31_XRA31, "DOCSIS31_XRA31", "Excentis XRA-31 DOCSIS 3.1 RF sniffer frames" },
	{ DLT_ETHERNET_MPACKET, "ETHERNET_MPACKET", "802.3br mPackets" },
	{ DLT_DISPLAYPORT_AUX, "DISPLAYPORT_AUX", "DisplayPort AUX channel monitoring data" },
	{ DLT_LINUX_SLL2, "LINUX_SLL2", "Linux cooked v2" },
	{ DLT_OPENVIZSLA, "OPENVIZSLA", "OpenVizsla USB" },
	{ DLT_EBHSCR, "EBHSCR", "Elektrobit High Speed Capture and Replay (EBHSCR)" },
	{ DLT_VPP_DISPATCH, "VPP_DISPATCH", "VPP graph dispatch tracer" },
	{ DLT_DSA_TAG_BRCM, "DSA_TAG_BRCM", "Broadcom tag" },
	{ DLT_DSA_TAG_BRCM_PREPEND, "DSA_TAG_BRCM_PREPEND", "Broadcom tag (prepended)" },
	{ DLT_IEEE802_15_4_TAP, "IEEE802_15_4_TAP", "IEEE 802.15.4 with pseudo-header" },
	{ DLT_DSA_TAG_DSA, "DSA_TAG_DSA", "Marvell DSA" },
	{ DLT_DSA_TAG_EDSA, "DSA_TAG_EDSA", "Marvell EDSA" },
	{ DLT_ELEE, "ELEE", "ELEE lawful intercept packets" },
	{ DLT_Z_WAVE_SERIAL, "Z_WAVE_SERIAL", "Z-Wave serial frames between host and chip" },
	{ DLT_USB_2_0, "USB_2_0", "USB 2.0/1.1/1.0 as transmitted over the cable" },
	{ DLT_ATSC_ALP, "ATSC_ALP", "ATSC Link-Layer Protocol packets" },
	{ DLT_ETW, "ETW", "Event Tracing for Windows messages" },
	{ DLT_NETANALYZER_NG, "NETANALYZER_NG", "Hilscher netANALYZER NG pseudo-footer" },
	{ DLT_ZBOSS_NCP, "ZBOSS_NCP", "ZBOSS NCP protocol with pseudo-header" },
	{ DLT_USB_2_0_LOW_SPEED, "USB_2_0_LOW_SPEED",
	    "Low-Speed USB 2.0/1.1/1.0 as transmitted over the cable" },
	{ DLT_USB_2_0_FULL_SPEED, "USB_2_0_FULL_SPEED",
	    "Full-Speed USB 2.0/1.1/1.0 as transmitted over the cable" },
	{ DLT_USB_2_0_HIGH_SPEED, "USB_2_0_HIGH_SPEED",
	    "High-Speed USB 2.0 as transmitted over the cable" },
	{ DLT_AUERSWALD_LOG, "AUERSWALD_LOG", "Auerswald Logger Protocol" },
	{ DLT_ZWAVE_TAP, "ZWAVE_TAP", "Z-Wave packets with a TAP meta-data header" },
	{ DLT_SILABS_DEBUG_CHANNEL, "SILABS_DEBUG_CHANNEL",
	    "Silicon Labs debug channel protocol" },
	{ DLT_FIRA_UCI, "FIRA_UCI", "Ultra-wideband controller interface protocol" },
	{ DLT_MDB, "MDB", "Multi-Drop Bus" },
	{ DLT_DECT_NR, "DECT_NR", "DECT New Radio" },
	{ DLT_EDK2_MM, "EDK2_MM", "edk2 mm request serialization protocol" },
	{ DLT_DEBUG_ONLY, "DEBUG_ONLY", "unstructured data for manual debugging only" },
};

#define DL_NTYPES (sizeof dl_types / sizeof dl_types[0])

static const struct dl_type *
find_type(int dlt)
{
	size_t lo = 0, hi = DL_NTYPES;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dl_types[mid].dlt == dlt)
			return &dl_types[mid];
		if (dl_types[mid].dlt < dlt)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}


int
pcap_datalink_name_to_val(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < DL_NTYPES; i++)
		if (core_same_name_ascii(dl_types[i].name, name))
			return dl_types[i].dlt;
	return -1;
}

const char *
pcap_datalink_val_to_name(int dlt)
{
	const struct dl_type *t = find_type(dlt);

	return t != NULL ? t->name : NULL;
}

const char *
pcap_datalink_val_to_description(int dlt)
{
	const struct dl_type *t = find_type(dlt);

	return t != NULL ? t->description : NULL;
}

const char *
pcap_datalink_val_to_description_or_dlt(int dlt)
{
	/* Per thread, so concurrent callers never see each other's text. */
	static _Thread_local char unknown[40];
	const struct dl_type *t = find_type(dlt);

	if (t != NULL)
		return t->description;
	snprintf(unknown, sizeof unknown, "DLT %d", dlt);
	return unknown;
}

/*
 * LINKTYPE_ codes that differ from the DLT_ code of the same type on this
 * platform.  Each has a LINKTYPE_ number of its own because the BSDs never
 * agreed on the DLT_ number.
 */
static const struct {
	int dlt;
	int linktype;
} dl_moved[] = {
	{ DLT_ATM_RFC1483, 100 },
	{ DLT_RAW, 101 },
	{ DLT_SLIP_BSDOS, 102 },
	{ DLT_PPP_BSDOS, 103 },
	{ DLT_ATM_CLIP, 106 },
};

#define DL_NMOVED (sizeof dl_moved / sizeof dl_moved[0])

int
dl_dlt_to_linktype(int dlt)
{
	size_t i;

	/*
	 * Both matching ranges are written to files unchanged.  DLT_PFSYNC
	 * and DLT_PKTAP equal their LINKTYPE_ codes (246, 258) here, unlike
	 * on some BSDs and Darwin, so the high range covers them too.
	 */
	if (dlt >= DLT_LOW_MATCHING_MIN && dlt <= DLT_LOW_MATCHING_MAX)
		return dlt;
	if (dlt >= DLT_HIGH_MATCHING_MIN && dlt <= DLT_HIGH_MATCHING_MAX)
		return dlt;
	for (i = 0; i < DL_NMOVED; i++)
		if (dl_moved[i].dlt == dlt)
			return dl_moved[i].linktype;
	/* Below the high range, yet never reused for anything else. */
	if (dlt == DLT_REDBACK_SMARTEDGE || dlt == DLT_PPP_SERIAL ||
	    dlt == DLT_PPP_ETHER || dlt == DLT_SYMANTEC_FIREWALL)
		return dlt;
	/* No LINKTYPE_ exists for it: it cannot go into a savefile. */
	return -1;
}

int
dl_linktype_to_dlt(int linktype)
{
	size_t i;

	if (linktype >= DLT_LOW_MATCHING_MIN && linktype <= DLT_LOW_MATCHING_MAX)
		return linktype;
	/* LINKTYPE_ATM_CLIP (106) lies inside the high range, so look first. */
	for (i = 0; i < DL_NMOVED; i++)
		if (dl_moved[i].linktype == linktype)
			return dl_moved[i].dlt;
	/*
	 * Everything else is passed through: the high range matches by
	 * definition, a newer code may be one the caller knows, and an
	 * unmapped low one may come from a writer on this very platform.
	 */
	return linktype;
}

u_int
dl_max_snaplen_for_dlt(int dlt)
{
	switch (dlt) {
	case DLT_DBUS:
		return 128 * 1024 * 1024;	/* largest D-Bus message */
	case DLT_EBHSCR:
		return 8 * 1024 * 1024;
	case DLT_USBPCAP:
		return 1024 * 1024;
	default:
		return MAXIMUM_SNAPLEN;
	}
}
