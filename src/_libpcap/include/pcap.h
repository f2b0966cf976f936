/* Compatibility entry point: programs that include <pcap.h> get the API. */
#include <pcap/pcap.h>
