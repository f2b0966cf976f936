/* Compatibility entry point: older programs include <pcap-namedb.h>. */
#include <pcap/namedb.h>
