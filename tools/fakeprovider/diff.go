package main

import (
	"slices"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Replacements are the inputs each type cannot change in place: a change replaces the resource, as the
// real provider's diff says (terraform-provider-aws ForceNew attributes; EKS UpdateClusterConfig and
// UpdateNodegroupConfig/Version do not take these). Paths are Pulumi property paths.
var Replacements = map[string][]string{
	"aws:eks/cluster:Cluster":                               {"name", "roleArn", "kubernetesNetworkConfig", "outpostConfig"},
	"aws:eks/nodeGroup:NodeGroup":                           {"clusterName", "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "subnetIds", "amiType", "capacityType", "diskSize", "instanceTypes", "remoteAccess", "launchTemplate.id", "launchTemplate.name"},
	"aws:eks/addon:Addon":                                   {"clusterName", "addonName"},
	"aws:eks/podIdentityAssociation:PodIdentityAssociation": {"clusterName", "namespace", "serviceAccount"},
	"aws:eks/accessEntry:AccessEntry":                       {"clusterName", "principalArn"},
	"aws:ec2/vpc:Vpc":                                       {"cidrBlock", "instanceTenancy"},
	"aws:ec2/subnet:Subnet":                                 {"vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId"},
	"aws:ec2/securityGroup:SecurityGroup":                   {"name", "namePrefix", "vpcId", "description"},
	"aws:ec2/natGateway:NatGateway":                         {"allocationId", "subnetId", "connectivityType"},
	"aws:ec2/launchTemplate:LaunchTemplate":                 {"name", "namePrefix"},
	"aws:ec2/vpcEndpoint:VpcEndpoint":                       {"vpcId", "serviceName", "vpcEndpointType"},
	"aws:ec2/instance:Instance":                             {"ami", "subnetId", "availabilityZone", "keyName"},
	"aws:s3/bucketV2:BucketV2":                              {"bucket", "bucketPrefix", "objectLockEnabled"},
	"aws:kms/key:Key":                                       {"customerMasterKeySpec", "keyUsage", "multiRegion"},
	"aws:iam/role:Role":                                     {"name", "namePrefix", "path"},
	"aws:iam/policy:Policy":                                 {"name", "namePrefix", "path"},
	"aws:cloudwatch/logGroup:LogGroup":                      {"name", "namePrefix"},
	"aws:elasticache/replicationGroup:ReplicationGroup":     {"replicationGroupId", "subnetGroupName", "atRestEncryptionEnabled", "kmsKeyId"},
	"aws:opensearch/domain:Domain":                          {"domainName"},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider":   {"url"},
	"aws:backup/vault:Vault":                                {"name", "kmsKeyArn"},
	"kubernetes:helm.sh/v3:Release":                         {"name", "namespace"},
}

// kubernetesReplacements hold for every Kubernetes object: an object is known by its name and namespace.
var kubernetesReplacements = []string{"metadata.name", "metadata.namespace"}

// Required are inputs Check rejects when missing (the provider schema's required inputs, for the types
// where a missing one is a mistake the program can make).
var Required = map[string][]string{
	"aws:eks/nodeGroup:NodeGroup":                       {"clusterName", "nodeRoleArn", "scalingConfig", "subnetIds"},
	"aws:eks/cluster:Cluster":                           {"roleArn", "vpcConfig"},
	"aws:ec2/subnet:Subnet":                             {"vpcId"},
	"aws:iam/role:Role":                                 {"assumeRolePolicy"},
	"kubernetes:helm.sh/v3:Release":                     {"chart"},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {"role", "policyArn"},
}

// DiffResult is a property diff: the changed paths (top-level keys, or the replacement paths below
// them that changed), each path's kind, and the paths that force a replacement.
type DiffResult struct {
	Changed  []string
	Kinds    map[string]pulumirpc.PropertyDiff_Kind
	Replaces []string
}

// DiffInputs diffs old inputs against new ones: ignoreChanges paths keep their old value (or stay
// absent), a new unknown value differs from any old one, secrets compare by their value, and a change
// at or below a replaceable path is a replacement.
func DiffInputs(olds, news resource.PropertyMap, ignoreChanges, replaceable []string) DiffResult {
	oldObj := resource.NewObjectProperty(olds)
	newObj := resource.NewObjectProperty(copyMap(news))
	for _, ic := range ignoreChanges {
		pp, err := resource.ParsePropertyPath(ic)
		if err != nil {
			continue
		}
		if ov, ok := pp.Get(oldObj); ok {
			pp.Set(newObj, ov)
		} else {
			pp.Delete(newObj)
		}
	}
	nm := newObj.ObjectValue()
	res := DiffResult{Kinds: map[string]pulumirpc.PropertyDiff_Kind{}}
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range nm {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, string(k))
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		ov, nv := olds[resource.PropertyKey(k)], nm[resource.PropertyKey(k)]
		if Equal(ov, nv) {
			continue
		}
		// Which replaceable paths at or under k changed?
		var replaced []string
		rest := resource.NewObjectProperty(resource.PropertyMap{"v": copyValue(nv)})
		for _, rp := range replaceable {
			pp, err := resource.ParsePropertyPath(rp)
			if err != nil || len(pp) == 0 || pp[0] != k {
				continue
			}
			o, oOK := pp.Get(oldObj)
			n, nOK := pp.Get(newObj)
			if oOK == nOK && Equal(o, n) {
				continue
			}
			replaced = append(replaced, rp)
			res.Replaces = append(res.Replaces, rp)
			switch {
			case !oOK || isNull(o):
				res.Kinds[rp] = pulumirpc.PropertyDiff_ADD_REPLACE
			case !nOK || isNull(n):
				res.Kinds[rp] = pulumirpc.PropertyDiff_DELETE_REPLACE
			default:
				res.Kinds[rp] = pulumirpc.PropertyDiff_UPDATE_REPLACE
			}
			res.Changed = append(res.Changed, rp)
			// The rest of k, with this path as it was, may still differ in place.
			sub := append(resource.PropertyPath{"v"}, pp[1:]...)
			if oOK {
				sub.Set(rest, o)
			} else {
				sub.Delete(rest)
			}
		}
		if len(replaced) > 0 && (slices.Contains(replaced, k) || Equal(ov, rest.ObjectValue()["v"])) {
			continue
		}
		switch {
		case isNull(ov):
			res.Kinds[k] = pulumirpc.PropertyDiff_ADD
		case isNull(nv):
			res.Kinds[k] = pulumirpc.PropertyDiff_DELETE
		default:
			res.Kinds[k] = pulumirpc.PropertyDiff_UPDATE
		}
		res.Changed = append(res.Changed, k)
	}
	sort.Strings(res.Changed)
	sort.Strings(res.Replaces)
	return res
}

func isNull(v resource.PropertyValue) bool {
	return v.IsNull() || (v.IsOutput() && v.OutputValue().Known && v.OutputValue().Element.IsNull())
}

// Equal compares two values as the cloud sees them: secrets by their value, a missing value as null,
// and an unknown value equal to nothing.
func Equal(a, b resource.PropertyValue) bool {
	a, b = plainValue(a), plainValue(b)
	if a.ContainsUnknowns() || b.ContainsUnknowns() {
		return false
	}
	return a.DeepEquals(b)
}

// plainValue strips secrets and known outputs, and drops nulls from objects.
func plainValue(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return plainValue(v.SecretValue().Element)
	case v.IsOutput():
		o := v.OutputValue()
		if !o.Known {
			return resource.MakeComputed(resource.NewStringProperty(""))
		}
		return plainValue(o.Element)
	case v.IsArray():
		arr := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			arr[i] = plainValue(e)
		}
		return resource.NewArrayProperty(arr)
	case v.IsObject():
		m := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			if p := plainValue(e); !p.IsNull() {
				m[k] = p
			}
		}
		return resource.NewObjectProperty(m)
	}
	return v
}

func copyMap(m resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, v := range m {
		out[k] = copyValue(v)
	}
	return out
}

func copyValue(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsArray():
		arr := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			arr[i] = copyValue(e)
		}
		return resource.NewArrayProperty(arr)
	case v.IsObject():
		return resource.NewObjectProperty(copyMap(v.ObjectValue()))
	case v.IsSecret():
		return resource.MakeSecret(copyValue(v.SecretValue().Element))
	}
	return v
}
