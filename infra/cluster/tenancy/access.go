package tenancy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/suoke-life/suoke-platform/infra/config"
	kitiam "github.com/suoke-life/suoke-platform/infra/iam"
	"github.com/suoke-life/suoke-platform/infra/network"
)

// What a service may reach: the statements of its IAM role and the egress of its pods. Both are
// derived from the service's config (database, cache, awsAccess, egress) and nothing else.

// RedisReplicationGroupID and RedisUserID are the names the data tier gives the replication group and
// a service's IAM-authenticated Redis user (infra/database/redis/redis.go: "suoke-<stack>" and
// userID, "<stack>-<service>", user ID equal to user name). The cluster builds the roles
// before the data tier exists, so it derives the ARNs from the names; a test holds them equal to
// what the data tier records.
func RedisReplicationGroupID(stack string) string { return "suoke-" + stack }

// RedisUserID is a service's Redis user ID (and name) in a stack.
func RedisUserID(stack, service string) string { return stack + "-" + service }

// RedisConnectResources are the two ARNs elasticache:Connect must name for a service to
// authenticate as its own user: the replication group and the user. ElastiCache "Authenticating
// with IAM", Setup (the policy names both), and "Resource-level permissions" for the ARN forms
// arn:<partition>:elasticache:<region>:<account>:replicationgroup:<id> and …:user:<id>, lower case;
// both on docs.amazonaws.cn/en_us/AmazonElastiCache, read 2026-12-03.
func RedisConnectResources(partition, region, account, stack, service string) []string {
	arn := func(res string) string {
		return strings.Join([]string{"arn", partition, "elasticache", region, account, res}, ":")
	}
	return []string{arn("replicationgroup:" + RedisReplicationGroupID(stack)), arn("user:" + RedisUserID(stack, service))}
}

// ServiceStatements are the statements of a service's role: Redis connect for a cache user, then its
// awsAccess statements as configured (config validated them: named resources in the partition).
// Empty: the role has no policy.
func ServiceStatements(partition, region, account, stack string, s config.Service) []kitiam.Statement {
	var out []kitiam.Statement
	if s.Cache {
		out = append(out, kitiam.Statement{Sid: "RedisConnectAsOwnUser", Effect: "Allow", Action: "elasticache:Connect",
			Resource: RedisConnectResources(partition, region, account, stack, s.Name)})
	}
	for i, g := range s.AWSAccess {
		out = append(out, kitiam.Statement{Sid: fmt.Sprintf("AWSAccess%d", i), Effect: "Allow", Action: g.Actions, Resource: g.Resources})
	}
	return out
}

// endpointServices maps an IAM action's service prefix to the interface endpoint that answers it,
// where the network creates one (network.InterfaceEndpoints). An action of another service (S3,
// whose gateway endpoint routes to S3's public addresses, or a service with no endpoint, reached
// through NAT) needs HTTPS beyond the VPC.
func endpointService(actionPrefix string) (string, bool) {
	name := actionPrefix
	if actionPrefix == "ecr" {
		name = "ecr.api"
	}
	return name, slices.Contains(network.InterfaceEndpoints, name)
}

// usesAWS reports whether a service's pods call AWS APIs: with awsAccess, or as a Redis user (the
// IAM auth token is signed with credentials the pod gets from STS, through IRSA). beyondVPC is true
// when some action is answered outside the VPC.
func usesAWS(s config.Service) (uses, beyondVPC bool) {
	uses = s.Cache || len(s.AWSAccess) > 0
	for _, g := range s.AWSAccess {
		for _, a := range g.Actions {
			prefix, _, _ := strings.Cut(a, ":")
			if _, ok := endpointService(prefix); !ok {
				beyondVPC = true
			}
		}
	}
	return uses, beyondVPC
}

// serviceEgress is the egress policy of one service's pods (selected by LabelService), on top of
// the namespace's DNS, telemetry and in-cluster service flows:
//   - PostgreSQL in the data namespace, if it has a database;
//   - Redis in the data subnets, if it uses the cache;
//   - HTTPS to the private subnets, where the interface endpoints (STS first) answer, if it uses AWS;
//     and HTTPS anywhere outside the VPC if one of its actions has no interface endpoint: S3's gateway
//     endpoint routes to S3's public prefixes, a managed prefix list NetworkPolicy cannot name;
//   - its declared egress, exactly.
//
// ok is false when the service reaches nothing beyond the namespace's flows.
func serviceEgress(s config.Service, cidrs map[network.Role][]string, vpcCIDR string) (NetPolicy, bool) {
	var rules []netRule
	if s.Database {
		rules = append(rules, netRule{Peers: []netPeer{{Namespace: NamespaceData}}, Ports: tcp(PostgresPort)})
	}
	if s.Cache {
		rules = append(rules, netRule{Peers: blocks(cidrs[network.RoleData]), Ports: tcp(RedisPort)})
	}
	if uses, beyond := usesAWS(s); uses {
		rules = append(rules, netRule{Peers: blocks(cidrs[network.RolePrivate]), Ports: tcp(HTTPSPort)})
		if beyond {
			rules = append(rules, netRule{Peers: []netPeer{{CIDR: "0.0.0.0/0", Except: []string{vpcCIDR}}}, Ports: tcp(HTTPSPort)})
		}
	}
	for _, e := range s.Egress {
		var ports []netPort
		for _, p := range e.Ports {
			ports = append(ports, netPort{Protocol: e.Protocol, Port: p})
		}
		rules = append(rules, netRule{Peers: blocks(e.CIDRs), Ports: ports})
	}
	if len(rules) == 0 {
		return NetPolicy{}, false
	}
	return NetPolicy{Name: "egress-" + s.Name, Types: []string{"Egress"}, Pods: map[string]string{LabelService: s.Name}, Egress: rules}, true
}

func blocks(cidrs []string) []netPeer {
	out := make([]netPeer, 0, len(cidrs))
	for _, c := range cidrs {
		out = append(out, netPeer{CIDR: c})
	}
	return out
}
