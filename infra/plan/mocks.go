package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/awsfacts"
	platform "github.com/suoke-life/suoke-platform/infra/config"
)

// MockAccountID is the account the offline plan pretends to deploy into.
const MockAccountID = "123456789012"

// servicePrincipal answers getServicePrincipal as the provider does: from its own per-partition
// table (awsfacts.ProviderPrincipalSuffixes; in aws-cn only codedeploy, elasticmapreduce and logs get
// amazonaws.com.cn), with id <service>.<region>.<suffix>, name <service>.<suffix>, the suffix and the
// region (terraform-provider-aws internal/service/meta/service_principal_data_source.go, Read, read
// 2026-12-02). The region is the invoke's own when it names one, as the data source allows.
func servicePrincipal(args pulumi.MockCallArgs, r platform.Region) map[string]any {
	svc := args.Args["serviceName"].StringValue()
	region := r.Name
	if v, ok := args.Args["region"]; ok && v.IsString() && v.StringValue() != "" {
		region = v.StringValue()
	}
	suffix := awsfacts.ProviderPrincipalSuffix(r.Partition, r.DNSSuffix, svc)
	return map[string]any{"id": svc + "." + region + "." + suffix, "name": svc + "." + suffix, "suffix": suffix,
		"region": region, "serviceName": svc}
}

// Mocks answers the program's invokes for one region and records every resource registration.
type Mocks struct {
	Region platform.Region
	// Project and Stack name URNs of resources registered without a parent (rare: the SDK parents
	// every resource to the root stack, whose URN carries both).
	Project, Stack string
	// StackOutputs answer StackReferences (StackConfig.StackOutputs).
	StackOutputs map[string]map[string]any

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
	var err error
	switch args.Token {
	case "aws:index/getPartition:getPartition":
		out = map[string]any{"id": r.Partition, "partition": r.Partition, "dnsSuffix": r.DNSSuffix, "reverseDnsPrefix": r.ReverseDNS}
	case "aws:index/getRegion:getRegion":
		// The provider answers its own region: the DR-region provider answers the DR region.
		if pr, ok := platform.LookupRegion(m.providerRegion(args.Provider)); ok {
			r = pr
		}
		out = map[string]any{"id": r.Name, "name": r.Name, "region": r.Name, "endpoint": "ec2." + r.Name + "." + r.DNSSuffix, "description": r.Name}
	case "aws:index/getCallerIdentity:getCallerIdentity":
		out = map[string]any{"id": MockAccountID, "accountId": MockAccountID, "userId": "AROAMOCKDEPLOYER",
			"arn": fmt.Sprintf("arn:%s:sts::%s:assumed-role/suoke-deployer/offline-plan", r.Partition, MockAccountID)}
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		out = map[string]any{"id": r.Name, "names": toAny(r.AZs), "zoneIds": toAny(zoneIDs(r)), "state": "available"}
	case "aws:index/getServicePrincipal:getServicePrincipal":
		out = servicePrincipal(args, r)
	case "aws:ec2/getVpcEndpointService:getVpcEndpointService":
		out, err = vpcEndpointService(args, r)
	case "aws:eks/getAddonVersion:getAddonVersion":
		o, err := addonVersion(args) // account_mocks.go
		if err != nil {
			return nil, err
		}
		out = o
	case "aws:eks/getClusterVersions:getClusterVersions":
		out = clusterVersions(args) // account_mocks.go
	case "aws:iam/getRole:getRole":
		o, err := getRole(args, r) // account_mocks.go
		if err != nil {
			return nil, err
		}
		out = o
	case "aws:elb/getServiceAccount:getServiceAccount":
		out, err = elbServiceAccount(args, r) // retention_mocks.go
	case "aws:iam/getSessionContext:getSessionContext":
		out = sessionContext(args, r) // cluster_mocks.go
	case "aws:secretsmanager/getRandomPassword:getRandomPassword":
		// A fixed, obviously fake value: the recorder masks it as a secret anyway.
		out = map[string]any{"id": "mock", "randomPassword": "offline-plan-not-a-password"}
	default:
		return nil, fmt.Errorf("offline plan: no mock answer for invoke %s; add one to infra/plan/mocks.go", args.Token)
	}
	if err != nil {
		return nil, err
	}
	return resource.NewPropertyMapFromMap(out), nil
}

// providerRegion is the region input of the recorded AWS provider a call goes through ("urn::id"),
// or "" for the default provider.
func (m *Mocks) providerRegion(ref string) string {
	urn := providerURN(ref) // transforms.go
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, rec := range m.resources {
		if rec.URN == urn && rec.Type == "pulumi:providers:aws" {
			reg, _ := rec.Inputs["region"].(string)
			return reg
		}
	}
	return ""
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

// vpcEndpointService answers getVpcEndpointService the way the provider and EC2 do, over the endpoint
// services that exist in the region per awsfacts.EndpointServices. The provider
// (terraform-provider-aws internal/service/ec2/vpc_endpoint_service_data_source.go, read 2026-12-02)
// sends DescribeVpcEndpointServices ServiceNames = [serviceName], or [com.amazonaws.<region>.<service>]
// for `service` (never the cn.com.amazonaws form), a service-type filter from serviceType, and the
// custom filters as given; EC2 ANDs the filters and ORs a filter's values, and rejects a ServiceNames
// entry that does not exist (InvalidServiceName; eksctl pkg/cfn/builder/vpc_endpoint.go handles that
// code). The provider then wants exactly one match. A service the table has no row for is an error
// naming it, so a new endpoint cannot pass the offline plan without a cited row.
func vpcEndpointService(args pulumi.MockCallArgs, r platform.Region) (map[string]any, error) {
	str := func(k string) string {
		if v, ok := args.Args[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	for _, k := range []string{"tags", "serviceRegions"} {
		if v, ok := args.Args[resource.PropertyKey(k)]; ok && !v.IsNull() && !(v.IsArray() && len(v.ArrayValue()) == 0) && !(v.IsObject() && len(v.ObjectValue()) == 0) {
			return nil, fmt.Errorf("offline plan: getVpcEndpointService argument %s is not mocked; add it to infra/plan/mocks.go", k)
		}
	}
	type filter struct {
		name   string
		values []string
	}
	var names []string // DescribeVpcEndpointServices ServiceNames
	switch {
	case str("serviceName") != "":
		names = []string{str("serviceName")}
	case str("service") != "":
		names = []string{"com.amazonaws." + r.Name + "." + str("service")}
	}
	var custom []filter
	if v, ok := args.Args["filters"]; ok && v.IsArray() {
		for _, f := range v.ArrayValue() {
			if !f.IsObject() {
				continue
			}
			o := f.ObjectValue()
			cf := filter{name: o["name"].StringValue()}
			if vs, ok := o["values"]; ok && vs.IsArray() {
				for _, x := range vs.ArrayValue() {
					cf.values = append(cf.values, x.StringValue())
				}
			}
			custom = append(custom, cf)
		}
	}
	filters := custom
	if t := str("serviceType"); t != "" {
		filters = append([]filter{{"service-type", []string{t}}}, custom...)
	}
	all := awsfacts.EndpointServicesIn(r.Name)
	exists := func(name string) bool {
		return slices.ContainsFunc(all, func(d awsfacts.EndpointServiceDetail) bool { return d.Name == name })
	}
	// Every name asked for must be a service the table knows, or the mock cannot say what AWS would.
	asked := append([]string(nil), names...)
	for _, f := range filters {
		if f.name == "service-name" {
			asked = append(asked, f.values...)
		}
	}
	for _, n := range asked {
		if svc, ok := awsfacts.EndpointServiceOf(r.Name, n); ok && !awsfacts.HasEndpointService(svc) {
			return nil, fmt.Errorf("offline plan: infra/awsfacts/endpoints.go has no row for VPC endpoint service %q (asked as %s); add one with its source", svc, n)
		}
	}
	for _, n := range names {
		if !exists(n) {
			return nil, fmt.Errorf("reading EC2 VPC Endpoint Services: InvalidServiceName: The Vpc Endpoint Service '%s' does not exist", n)
		}
	}
	var match []awsfacts.EndpointServiceDetail
	for _, d := range all {
		if len(names) > 0 && !slices.Contains(names, d.Name) {
			continue
		}
		ok := true
		for _, f := range filters {
			switch f.name {
			case "service-name":
				ok = ok && slices.Contains(f.values, d.Name)
			case "service-type":
				ok = ok && slices.Contains(f.values, d.Type)
			case "owner":
				ok = ok && slices.Contains(f.values, "amazon")
			default:
				return nil, fmt.Errorf("offline plan: getVpcEndpointService filter %q is not mocked; add it to infra/plan/mocks.go", f.name)
			}
		}
		if ok {
			match = append(match, d)
		}
	}
	switch len(match) {
	case 0:
		return nil, fmt.Errorf("no matching EC2 VPC Endpoint Service found")
	case 1:
	default:
		return nil, fmt.Errorf("multiple EC2 VPC Endpoint Services matched; use additional constraints to reduce matches to a single EC2 VPC Endpoint Service")
	}
	d := match[0]
	sum := sha256.Sum256([]byte(r.Name + "/" + d.Type + "/" + d.Name))
	serviceID := "vpce-svc-" + hex.EncodeToString(sum[:])[:17]
	var echoed []any
	for _, f := range custom {
		echoed = append(echoed, map[string]any{"name": f.name, "values": toAny(f.values)})
	}
	return map[string]any{
		// The provider's id is a hash code of the service name.
		"id":          strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(d.Name))), 10),
		"serviceName": d.Name, "serviceType": d.Type, "serviceId": serviceID, "owner": "amazon",
		"arn":               strings.Join([]string{"arn", r.Partition, "ec2", r.Name, MockAccountID, "vpc-endpoint-service/" + serviceID}, ":"),
		"availabilityZones": toAny(r.AZs), "acceptanceRequired": false, "managesVpcEndpoints": false,
		"vpcEndpointPolicySupported": true, "filters": echoed, "tags": map[string]any{}, "region": r.Name,
	}, nil
}

// NewResource records the registration and returns a deterministic ID and realistic outputs.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rec := recordResource(args, m.Project, m.Stack)
	if err := m.runTransforms(args, &rec); err != nil { // transforms.go
		return "", nil, err
	}
	if args.TypeToken == StackReferenceType {
		m.mu.Lock()
		m.resources = append(m.resources, rec)
		m.mu.Unlock()
		return m.stackReference(args)
	}
	id, state := Answer(args, rec.URN, m.Region)
	rec.ID = id
	m.mu.Lock()
	m.resources = append(m.resources, rec)
	m.mu.Unlock()
	return id, state, nil
}

// Answer is what the provider answers for a resource it creates: a deterministic ID from the URN and
// the inputs with the provider-computed outputs added. The offline plan's mocks and the engine tests'
// stand-in provider (tools/fakeprovider) both answer with it, so the two cannot disagree.
func Answer(args pulumi.MockResourceArgs, urn string, r platform.Region) (string, resource.PropertyMap) {
	id := mockID(args.TypeToken, urn)
	if v, ok := args.Inputs["bucket"]; ok && v.IsString() && args.TypeToken == "aws:s3/bucketV2:BucketV2" {
		id = v.StringValue() // a bucket's ID is its name
	}
	if !args.Custom {
		id = ""
	}
	state := args.Inputs.Copy()
	if !args.Custom || strings.HasPrefix(args.TypeToken, "pulumi:providers:") {
		return id, state
	}
	for k, v := range computedOutputs(args, id, r) {
		if _, set := state[resource.PropertyKey(k)]; !set {
			state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
	return id, state
}

// StackReferenceType is the builtin provider's type for a read of another stack's outputs.
const StackReferenceType = "pulumi:pulumi:StackReference"

// stackReference answers a StackReference read as the engine's builtin provider does: the ID is the
// stack's name, and the state holds name, outputs and secretOutputNames (pulumi/pulumi pkg/resource/
// deploy/builtins.go, readStackReference, read 2026-12-02; a stack the backend does not know is an
// error there, which the offline plan cannot know and does not reproduce). The name must be qualified
// organization/project/stack, as the program passes it.
func (m *Mocks) stackReference(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	name := args.Inputs["name"]
	if !name.IsString() || strings.Count(name.StringValue(), "/") != 2 {
		return "", nil, fmt.Errorf("offline plan: stack reference %s: name %v is not organization/project/stack", args.Name, name)
	}
	outputs := m.StackOutputs[name.StringValue()]
	if outputs == nil {
		outputs = map[string]any{}
	}
	return name.StringValue(), resource.NewPropertyMapFromMap(map[string]any{
		"name": name.StringValue(), "outputs": outputs, "secretOutputNames": []any{},
	}), nil
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
