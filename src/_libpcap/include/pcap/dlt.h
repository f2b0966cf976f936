/*
 * pcap/dlt.h - link-layer header type codes (DLT_* values).
 *
 * pcap_datalink() returns one of these and pcap_open_dead() takes one.
 * Savefiles carry LINKTYPE_* values instead; the two only differ for the
 * handful of types whose DLT_ code was never the same on every OS, and the
 * library maps between them when it reads or writes a file.
 *
 * A few codes depend on the OS in libpcap.  This build targets Linux (and
 * other systems without a BPF device of their own), so the values given are
 * the ones libpcap uses there, e.g. DLT_RAW 12, DLT_LOOP 108, DLT_PFSYNC 246.
 * The set of names follows libpcap 1.10 and its master branch.
 */
#ifndef lib_pcap_dlt_h
#define lib_pcap_dlt_h

/* The original BPF types, the same number everywhere (the "low" range). */
#define DLT_LOW_MATCHING_MIN	0
#define DLT_NULL		0	/* BSD loopback: 4-byte AF_ in host order */
#define DLT_EN10MB		1	/* Ethernet, all speeds */
#define DLT_EN3MB		2	/* experimental 3Mb Ethernet */
#define DLT_AX25		3	/* amateur radio AX.25 */
#define DLT_PRONET		4	/* Proteon ProNET token ring */
#define DLT_CHAOS		5	/* MIT Chaosnet */
#define DLT_IEEE802		6	/* IEEE 802.5 token ring */
#define DLT_ARCNET		7	/* ARCNET with a BSD-style header */
#define DLT_SLIP		8	/* serial line IP */
#define DLT_PPP			9	/* point-to-point protocol */
#define DLT_FDDI		10	/* FDDI */
#define DLT_LOW_MATCHING_MAX	10

/*
 * Types whose number differs between BSDs; savefiles use LINKTYPE_ 100..103
 * for the first four and LINKTYPE_ 106 for ATM_CLIP.
 */
#define DLT_ATM_RFC1483		11	/* LLC/SNAP-encapsulated ATM */
#define DLT_RAW			12	/* raw IPv4 or IPv6, no link header */
#define DLT_SLIP_BSDOS		15	/* BSD/OS SLIP */
#define DLT_PPP_BSDOS		16	/* BSD/OS PPP */
#define DLT_ATM_CLIP		19	/* Linux classical IP over ATM */

/* Codes outside both matching ranges that are written to files as they are. */
#define DLT_REDBACK_SMARTEDGE	32	/* Redback SmartEdge 400/800 */
#define DLT_PPP_SERIAL		50	/* PPP in HDLC-like framing (NetBSD) */
#define DLT_PPP_ETHER		51	/* PPPoE session (NetBSD) */
#define DLT_SYMANTEC_FIREWALL	99	/* Symantec Enterprise Firewall */

/*
 * From 104 on (the "high" range) a DLT_ code and the LINKTYPE_ code in a
 * savefile are the same number.
 */
#define DLT_HIGH_MATCHING_MIN	104
#define DLT_MATCHING_MIN	DLT_HIGH_MATCHING_MIN	/* libpcap 1.10 name */

#define DLT_C_HDLC		104	/* Cisco HDLC */
#define DLT_CHDLC		DLT_C_HDLC	/* libpcap 0.5 name */
#define DLT_IEEE802_11		105	/* IEEE 802.11 */
#define DLT_FRELAY		107	/* Frame Relay, Q.922 header first */
#define DLT_LOOP		108	/* OpenBSD loopback: AF_ in network order */
#define DLT_ENC			109	/* OpenBSD IPsec encapsulation */
#define DLT_HDLC		112	/* NetBSD (Cisco) HDLC framing */
#define DLT_LINUX_SLL		113	/* Linux "cooked" capture, version 1 */
#define DLT_LTALK		114	/* Apple LocalTalk */
#define DLT_ECONET		115	/* Acorn Econet */
#define DLT_IPFILTER		116	/* OpenBSD ipfilter */
#define DLT_PFLOG		117	/* OpenBSD pflog */
#define DLT_CISCO_IOS		118	/* Cisco internal use */
#define DLT_PRISM_HEADER	119	/* 802.11 with Prism II monitor header */
#define DLT_AIRONET_HEADER	120	/* 802.11 with Aironet header */
#define DLT_HHDLC		121	/* Siemens HiPath HDLC */
#define DLT_IP_OVER_FC		122	/* RFC 2625 IP over Fibre Channel */
#define DLT_SUNATM		123	/* Solaris SunATM */
#define DLT_RIO			124	/* RapidIO */
#define DLT_PCI_EXP		125	/* PCI Express */
#define DLT_AURORA		126	/* Xilinx Aurora */
#define DLT_IEEE802_11_RADIO	127	/* 802.11 with radiotap header */
#define DLT_TZSP		128	/* Tazmen Sniffer Protocol */
#define DLT_ARCNET_LINUX	129	/* ARCNET with a Linux-style header */
#define DLT_JUNIPER_MLPPP	130
#define DLT_JUNIPER_MLFR	131
#define DLT_JUNIPER_ES		132
#define DLT_JUNIPER_GGSN	133
#define DLT_JUNIPER_MFR		134
#define DLT_JUNIPER_ATM2	135
#define DLT_JUNIPER_SERVICES	136
#define DLT_JUNIPER_ATM1	137
#define DLT_APPLE_IP_OVER_IEEE1394 138	/* Apple IP over FireWire */
#define DLT_MTP2_WITH_PHDR	139	/* SS7 MTP2 with pseudo-header */
#define DLT_MTP2		140	/* SS7 MTP2 */
#define DLT_MTP3		141	/* SS7 MTP3 */
#define DLT_SCCP		142	/* SS7 SCCP */
#define DLT_DOCSIS		143	/* DOCSIS MAC frames */
#define DLT_LINUX_IRDA		144	/* Linux IrDA */
#define DLT_IBM_SP		145	/* IBM SP switch */
#define DLT_IBM_SN		146	/* IBM Next Federation switch */

/* Reserved for private use inside one organisation. */
#define DLT_USER0		147
#define DLT_USER1		148
#define DLT_USER2		149
#define DLT_USER3		150
#define DLT_USER4		151
#define DLT_USER5		152
#define DLT_USER6		153
#define DLT_USER7		154
#define DLT_USER8		155
#define DLT_USER9		156
#define DLT_USER10		157
#define DLT_USER11		158
#define DLT_USER12		159
#define DLT_USER13		160
#define DLT_USER14		161
#define DLT_USER15		162

#define DLT_IEEE802_11_RADIO_AVS 163	/* 802.11 with AVS header */
#define DLT_JUNIPER_MONITOR	164
#define DLT_BACNET_MS_TP	165	/* BACnet MS/TP */
#define DLT_PPP_PPPD		166	/* PPP for pppd, direction in byte 0 */
#define DLT_PPP_WITH_DIRECTION	DLT_PPP_PPPD	/* older names */
#define DLT_LINUX_PPP_WITHDIRECTION DLT_PPP_PPPD
#define DLT_JUNIPER_PPPOE	167
#define DLT_JUNIPER_PPPOE_ATM	168
#define DLT_GPRS_LLC		169	/* GPRS LLC */
#define DLT_GPF_T		170	/* GPF-T, ITU-T G.7041 */
#define DLT_GPF_F		171	/* GPF-F, ITU-T G.7041 */
#define DLT_GCOM_T1E1		172
#define DLT_GCOM_SERIAL		173
#define DLT_JUNIPER_PIC_PEER	174
#define DLT_ERF_ETH		175	/* Ethernet with Endace ERF header */
#define DLT_ERF_POS		176	/* POS with Endace ERF header */
#define DLT_LINUX_LAPD		177	/* vISDN LAPD with pseudo-header */
#define DLT_JUNIPER_ETHER	178
#define DLT_JUNIPER_PPP		179
#define DLT_JUNIPER_FRELAY	180
#define DLT_JUNIPER_CHDLC	181
#define DLT_MFR			182	/* multilink Frame Relay, FRF.16 */
#define DLT_JUNIPER_VP		183
#define DLT_A429		184	/* ARINC 429 */
#define DLT_A653_ICM		185	/* ARINC 653 interpartition messages */
#define DLT_USB_FREEBSD		186	/* USB with FreeBSD header */
#define DLT_USB			186
#define DLT_BLUETOOTH_HCI_H4	187	/* Bluetooth HCI UART (H:4) */
#define DLT_IEEE802_16_MAC_CPS	188	/* IEEE 802.16 MAC CPS */
#define DLT_USB_LINUX		189	/* USB with 48-byte Linux header */
#define DLT_CAN20B		190	/* CAN 2.0B */
#define DLT_IEEE802_15_4_LINUX	191	/* 802.15.4 with Linux padding */
#define DLT_PPI			192	/* Per-Packet Information */
#define DLT_IEEE802_16_MAC_CPS_RADIO 193
#define DLT_JUNIPER_ISM		194
#define DLT_IEEE802_15_4_WITHFCS 195	/* 802.15.4 with FCS */
#define DLT_IEEE802_15_4	DLT_IEEE802_15_4_WITHFCS
#define DLT_SITA		196	/* SITA pseudo-header */
#define DLT_ERF			197	/* Endace ERF records */
#define DLT_RAIF1		198	/* u10 Networks pseudo-header */
#define DLT_IPMB_KONTRON	199	/* IPMB with Kontron pseudo-header */
#define DLT_IPMB		DLT_IPMB_KONTRON	/* older name, as in API.md B.5 */
#define DLT_JUNIPER_ST		200
#define DLT_BLUETOOTH_HCI_H4_WITH_PHDR 201
#define DLT_AX25_KISS		202	/* AX.25 with KISS header */
#define DLT_LAPD		203	/* ISDN LAPD, no pseudo-header */
#define DLT_PPP_WITH_DIR	204	/* PPP with 1-byte direction */
#define DLT_C_HDLC_WITH_DIR	205	/* Cisco HDLC with 1-byte direction */
#define DLT_FRELAY_WITH_DIR	206	/* Frame Relay with 1-byte direction */
#define DLT_LAPB_WITH_DIR	207	/* LAPB with 1-byte direction */
#define DLT_I2C_LINUX		209	/* I2C with Linux pseudo-header */
#define DLT_IPMB_LINUX		DLT_I2C_LINUX	/* the name before master */
#define DLT_FLEXRAY		210
#define DLT_MOST		211	/* Media Oriented Systems Transport */
#define DLT_LIN			212	/* Local Interconnect Network */
#define DLT_X2E_SERIAL		213
#define DLT_X2E_XORAYA		214
#define DLT_IEEE802_15_4_NONASK_PHY 215
#define DLT_LINUX_EVDEV		216	/* Linux /dev/input events */
#define DLT_GSMTAP_UM		217
#define DLT_GSMTAP_ABIS		218
#define DLT_MPLS		219	/* MPLS label as link header */
#define DLT_USB_LINUX_MMAPPED	220	/* USB with 64-byte Linux header */
#define DLT_DECT		221
#define DLT_AOS			222	/* AOS Space Data Link */
#define DLT_WIHART		223	/* WirelessHART */
#define DLT_FC_2		224	/* Fibre Channel FC-2 */
#define DLT_FC_2_WITH_FRAME_DELIMS 225
#define DLT_IPNET		226	/* Solaris ipnet */
#define DLT_CAN_SOCKETCAN	227	/* CAN with SocketCAN header */
#define DLT_IPV4		228	/* raw IPv4 */
#define DLT_IPV6		229	/* raw IPv6 */
#define DLT_IEEE802_15_4_NOFCS	230	/* 802.15.4 without FCS */
#define DLT_DBUS		231	/* raw D-Bus messages */
#define DLT_JUNIPER_VS		232
#define DLT_JUNIPER_SRX_E2E	233
#define DLT_JUNIPER_FIBRECHANNEL 234
#define DLT_DVB_CI		235	/* DVB Common Interface */
#define DLT_MUX27010		236
#define DLT_STANAG_5066_D_PDU	237
#define DLT_JUNIPER_ATM_CEMIC	238
#define DLT_NFLOG		239	/* Linux netfilter NFLOG */
#define DLT_NETANALYZER		240
#define DLT_NETANALYZER_TRANSPARENT 241
#define DLT_IPOIB		242	/* RFC 4391 IP over InfiniBand */
#define DLT_MPEG_2_TS		243	/* MPEG-2 transport stream */
#define DLT_NG40		244
#define DLT_NFC_LLCP		245
#define DLT_PFSYNC		246	/* pf state sync (18 or 121 on some BSDs) */
#define DLT_INFINIBAND		247
#define DLT_SCTP		248	/* SCTP without IP */
#define DLT_USBPCAP		249	/* USB with USBPcap header */
#define DLT_RTAC_SERIAL		250
#define DLT_BLUETOOTH_LE_LL	251
#define DLT_WIRESHARK_UPPER_PDU	252
#define DLT_NETLINK		253	/* Linux netlink (nlmon) */
#define DLT_BLUETOOTH_LINUX_MONITOR 254
#define DLT_BLUETOOTH_BREDR_BB	255
#define DLT_BLUETOOTH_LE_LL_WITH_PHDR 256
#define DLT_PROFIBUS_DL		257
#define DLT_PKTAP		258	/* Apple PKTAP (DLT_USER2 on Darwin) */
#define DLT_EPON		259
#define DLT_IPMI_HPM_2		260
#define DLT_ZWAVE_R1_R2		261
#define DLT_ZWAVE_R3		262
#define DLT_WATTSTOPPER_DLM	263
#define DLT_ISO_14443		264
#define DLT_RDS			265	/* IEC 62106 radio data system */
#define DLT_USB_DARWIN		266	/* USB with Darwin header */
#define DLT_OPENFLOW		267
#define DLT_SDLC		268
#define DLT_TI_LLN_SNIFFER	269
#define DLT_LORATAP		270
#define DLT_VSOCK		271	/* Linux vsock monitor */
#define DLT_NORDIC_BLE		272
#define DLT_DOCSIS31_XRA31	273
#define DLT_ETHERNET_MPACKET	274	/* IEEE 802.3br mPackets */
#define DLT_DISPLAYPORT_AUX	275
#define DLT_LINUX_SLL2		276	/* Linux "cooked" capture, version 2 */
#define DLT_SERCOS_MONITOR	277
#define DLT_OPENVIZSLA		278
#define DLT_EBHSCR		279
#define DLT_VPP_DISPATCH	280
#define DLT_DSA_TAG_BRCM	281
#define DLT_DSA_TAG_BRCM_PREPEND 282
#define DLT_IEEE802_15_4_TAP	283
#define DLT_DSA_TAG_DSA		284
#define DLT_DSA_TAG_EDSA	285
#define DLT_ELEE		286
#define DLT_Z_WAVE_SERIAL	287
#define DLT_USB_2_0		288
#define DLT_ATSC_ALP		289
#define DLT_ETW			290	/* Event Tracing for Windows */
#define DLT_NETANALYZER_NG	291
#define DLT_ZBOSS_NCP		292
#define DLT_USB_2_0_LOW_SPEED	293
#define DLT_USB_2_0_FULL_SPEED	294
#define DLT_USB_2_0_HIGH_SPEED	295
#define DLT_AUERSWALD_LOG	296
#define DLT_ZWAVE_TAP		297
#define DLT_SILABS_DEBUG_CHANNEL 298
#define DLT_FIRA_UCI		299
#define DLT_MDB			300	/* Multi-Drop Bus */
#define DLT_DECT_NR		301	/* DECT-2020 New Radio */
#define DLT_EDK2_MM		302
#define DLT_DEBUG_ONLY		303
#define DLT_DECT_NR_TAP		304	/* DECT-2020 NR with a TAP header */

/* Highest code of the high matching range; an OS header may set another. */
#ifdef DLT_HIGH_MATCHING_MAX
#undef DLT_HIGH_MATCHING_MAX
#endif
#define DLT_HIGH_MATCHING_MAX	304
#ifdef DLT_MATCHING_MAX
#undef DLT_MATCHING_MAX
#endif
#define DLT_MATCHING_MAX	DLT_HIGH_MATCHING_MAX	/* libpcap 1.10 name */

/*
 * The bits above the low 16 of a code name a class; class 0 is an ordinary
 * type.  NetBSD's generic "raw" class keeps an address family in the low bits.
 */
#define DLT_CLASS(x)		((x) & 0x03ff0000)
#define DLT_CLASS_NETBSD_RAWAF	0x02240000
#define DLT_NETBSD_RAWAF(af)	(DLT_CLASS_NETBSD_RAWAF | (af))
#define DLT_NETBSD_RAWAF_AF(x)	((x) & 0x0000ffff)
#define DLT_IS_NETBSD_RAWAF(x)	(DLT_CLASS(x) == DLT_CLASS_NETBSD_RAWAF)

#endif /* lib_pcap_dlt_h */
