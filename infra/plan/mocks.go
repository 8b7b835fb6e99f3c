package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	platform "github.com/suoke-life/suoke-platform/infra/config"
)

// MockAccountID is the account the offline plan pretends to deploy into.
const MockAccountID = "123456789012"

// servicePrincipalSuffix is the per-partition principal table the mocks answer getServicePrincipal
// from. Source: the AWS provider's service principal data source (terraform-provider-aws
// internal/service/meta, read 2026-11-25): in aws-cn, codedeploy, elasticmapreduce, logs, ec2 and s3
// take the partition's DNS suffix (amazonaws.com.cn); every other service, EKS included, keeps
// amazonaws.com. (AWS documentation disagrees on EC2 in China; the cluster trusts both forms.)
var chinaSuffixServices = map[string]bool{"codedeploy": true, "elasticmapreduce": true, "logs": true, "ec2": true, "s3": true}

func servicePrincipal(service string, r platform.Region) string {
	if r.China() && chinaSuffixServices[service] {
		return service + "." + r.DNSSuffix
	}
	return service + ".amazonaws.com"
}

// Mocks answers the program's invokes for one region and records every resource registration.
type Mocks struct {
	Region platform.Region
	// Project and Stack name URNs of resources registered without a parent (rare: the SDK parents
	// every resource to the root stack, whose URN carries both).
	Project, Stack string

	mu        sync.Mutex
	resources []Resource
	invokes   map[string]int
	// transforms are the program's stack transforms, run on every registration (transforms.go).
	transforms       []pulumi.ResourceTransform
	invokeTransforms int
}

// NewMocks returns mocks for a region.
func NewMocks(r platform.Region) *Mocks { return &Mocks{Region: r, invokes: map[string]int{}} }

// Call answers invokes realistically for the region and partition; an invoke it does not know is an
// error, so a new data source cannot slip into the program with a silently empty answer.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.invokes[args.Token]++
	invokeTransforms := m.invokeTransforms
	m.mu.Unlock()
	if invokeTransforms > 0 {
		return nil, fmt.Errorf("offline plan: the program registered an invoke transform, which the mocks do not run; %s would be answered untransformed", args.Token)
	}
	r := m.Region
	var out map[string]any
	switch args.Token {
	case "aws:index/getPartition:getPartition":
		out = map[string]any{"id": r.Partition, "partition": r.Partition, "dnsSuffix": r.DNSSuffix, "reverseDnsPrefix": r.ReverseDNS}
	case "aws:index/getRegion:getRegion":
		out = map[string]any{"id": r.Name, "name": r.Name, "region": r.Name, "endpoint": "ec2." + r.Name + "." + r.DNSSuffix, "description": r.Name}
	case "aws:index/getCallerIdentity:getCallerIdentity":
		out = map[string]any{"id": MockAccountID, "accountId": MockAccountID, "userId": "AROAMOCKDEPLOYER",
			"arn": fmt.Sprintf("arn:%s:sts::%s:assumed-role/suoke-deployer/offline-plan", r.Partition, MockAccountID)}
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		out = map[string]any{"id": r.Name, "names": toAny(r.AZs), "zoneIds": toAny(zoneIDs(r)), "state": "available"}
	case "aws:index/getServicePrincipal:getServicePrincipal":
		svc := args.Args["serviceName"].StringValue()
		name := servicePrincipal(svc, r)
		out = map[string]any{"id": name, "name": name, "region": r.Name, "suffix": strings.TrimPrefix(name, svc+".")}
	case "aws:iam/getSessionContext:getSessionContext":
		out = sessionContext(args, r) // cluster_mocks.go
	case "aws:secretsmanager/getRandomPassword:getRandomPassword":
		// A fixed, obviously fake value: the recorder masks it as a secret anyway.
		out = map[string]any{"id": "mock", "randomPassword": "offline-plan-not-a-password"}
	default:
		return nil, fmt.Errorf("offline plan: no mock answer for invoke %s; add one to infra/plan/mocks.go", args.Token)
	}
	return resource.NewPropertyMapFromMap(out), nil
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func zoneIDs(r platform.Region) []string {
	out := make([]string, len(r.AZs))
	short := map[string]string{"cn-northwest-1": "cnnw1", "cn-north-1": "cnn1", "us-east-1": "use1", "us-west-2": "usw2"}[r.Name]
	for i := range r.AZs {
		out[i] = fmt.Sprintf("%s-az%d", short, i+1)
	}
	return out
}

// NewResource records the registration and returns a deterministic ID and realistic outputs.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if err := m.runTransforms(args); err != nil {
		return "", nil, err
	}
	rec := recordResource(args, m.Project, m.Stack)
	id := mockID(args.TypeToken, rec.URN)
	if v, ok := args.Inputs["bucket"]; ok && v.IsString() && args.TypeToken == "aws:s3/bucketV2:BucketV2" {
		id = v.StringValue() // a bucket's ID is its name
	}
	if !args.Custom {
		id = ""
	}
	rec.ID = id
	m.mu.Lock()
	m.resources = append(m.resources, rec)
	m.mu.Unlock()

	state := args.Inputs.Copy()
	if !args.Custom || strings.HasPrefix(args.TypeToken, "pulumi:providers:") {
		return id, state, nil
	}
	for k, v := range computedOutputs(args, id, m.Region) {
		if _, set := state[resource.PropertyKey(k)]; !set {
			state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
	return id, state, nil
}

// idPrefixes give mock IDs the shape AWS gives real ones, so reviewers recognise them.
var idPrefixes = map[string]string{
	"aws:ec2/vpc:Vpc": "vpc-", "aws:ec2/subnet:Subnet": "subnet-", "aws:ec2/securityGroup:SecurityGroup": "sg-",
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg-", "aws:ec2/internetGateway:InternetGateway": "igw-",
	"aws:ec2/natGateway:NatGateway": "nat-", "aws:ec2/eip:Eip": "eipalloc-", "aws:ec2/routeTable:RouteTable": "rtb-",
	"aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-", "aws:ec2/flowLog:FlowLog": "fl-", "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
}

func mockID(typ, urn string) string {
	sum := sha256.Sum256([]byte(urn))
	h := hex.EncodeToString(sum[:])
	if p, ok := idPrefixes[typ]; ok {
		return p + h[:17]
	}
	return "mock-" + h[:12]
}

// computedOutputs are the provider-computed fields the program reads: names (auto-named like the
// provider does), ARNs in the region's partition, and per-type values.
func computedOutputs(args pulumi.MockResourceArgs, id string, r platform.Region) map[string]any {
	typ := args.TypeToken
	name := args.Name + "-" + id[len(id)-7:]
	if v, ok := args.Inputs["name"]; ok && v.IsString() {
		name = v.StringValue()
	}
	service := "unknown"
	if parts := strings.Split(typ, ":"); len(parts) == 3 {
		service = strings.Split(parts[1], "/")[0]
	}
	arnOf := func(svc, region, account, res string) string {
		return strings.Join([]string{"arn", r.Partition, svc, region, account, res}, ":")
	}
	out := map[string]any{"name": name}
	switch typ {
	case "aws:iam/role:Role":
		out["arn"] = arnOf("iam", "", MockAccountID, "role/"+name)
		out["uniqueId"] = "AROA" + strings.ToUpper(id[len(id)-12:])
	case "aws:iam/policy:Policy":
		out["arn"] = arnOf("iam", "", MockAccountID, "policy/"+name)
	case "aws:cloudwatch/logGroup:LogGroup":
		out["arn"] = arnOf("logs", r.Name, MockAccountID, "log-group:"+name)
	case "aws:kms/key:Key":
		out["arn"] = arnOf("kms", r.Name, MockAccountID, "key/"+id)
		out["keyId"] = id
	case "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket":
		out["arn"] = arnOf("s3", "", "", id)
		out["bucket"] = id
	default:
		out["arn"] = arnOf(service, r.Name, MockAccountID, strings.ToLower(lastSegment(typ))+"/"+id)
	}
	clusterOutputs(args, id, name, r, out)    // cluster_mocks.go
	monitoringOutputs(args, id, name, r, out) // monitoring_mocks.go
	databaseOutputs(args, id, name, r, out)   // database_mocks.go
	return out
}

func lastSegment(typ string) string {
	i := strings.LastIndex(typ, ":")
	return typ[i+1:]
}

// Resources returns what was recorded, in registration order.
func (m *Mocks) Resources() []Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Resource(nil), m.resources...)
}
