/*
 * gen-encap.c - STUB: to be written (see gen-int.h for what belongs here).
 */
#include "gen-int.h"

struct block *
gen_vlan(struct cc *cc, bpf_u_int32 vlan_num, int has_arg)
{
	(void)cc;
	(void)vlan_num;
	(void)has_arg;
	cc_error(cc, "not implemented yet: gen_vlan");
}

struct block *
gen_mpls(struct cc *cc, bpf_u_int32 label, int has_arg)
{
	(void)cc;
	(void)label;
	(void)has_arg;
	cc_error(cc, "not implemented yet: gen_mpls");
}

struct block *
gen_pppoed(struct cc *cc)
{
	(void)cc;
	cc_error(cc, "not implemented yet: gen_pppoed");
}

struct block *
gen_pppoes(struct cc *cc, bpf_u_int32 sess, int has_arg)
{
	(void)cc;
	(void)sess;
	(void)has_arg;
	cc_error(cc, "not implemented yet: gen_pppoes");
}

struct block *
gen_geneve(struct cc *cc, bpf_u_int32 vni, int has_arg)
{
	(void)cc;
	(void)vni;
	(void)has_arg;
	cc_error(cc, "not implemented yet: gen_geneve");
}

struct block *
gen_vxlan(struct cc *cc, bpf_u_int32 vni, int has_arg)
{
	(void)cc;
	(void)vni;
	(void)has_arg;
	cc_error(cc, "not implemented yet: gen_vxlan");
}
