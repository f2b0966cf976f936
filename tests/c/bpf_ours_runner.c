/*
 * bpf_ours_runner.c - the differential runner of tests/oracle/bpf_oracle.c
 * built against our BPF engine instead of the system libpcap: same
 * generator, same output, plus our other entry points (vm_filter,
 * vm_filter_aux, predecoded programs) checked against bpf_filter on every
 * run, and the "unsafe" mode for programs libpcap cannot survive.
 *
 * Build: gcc -std=c11 -O2 -D_GNU_SOURCE -Isrc/_libpcap/include
 *        -Isrc/_libpcap/core -Isrc/_libpcap/bpf tests/c/bpf_ours_runner.c
 *        src/_libpcap/bpf/[a-z]*.c -o bpf_ours_runner
 * (tests/test_bpf_differential.py does this).
 */
#define BPF_RUNNER_OURS 1
#include "../oracle/bpf_oracle.c"
