/* Compatibility entry point: older programs include <pcap-bpf.h>. */
#include <pcap/bpf.h>
