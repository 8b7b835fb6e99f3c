package infra

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra/cluster"
	"github.com/suoke-life/suoke-platform/infra/config"
	"github.com/suoke-life/suoke-platform/infra/identity"
	"github.com/suoke-life/suoke-platform/infra/network"
	"github.com/suoke-life/suoke-platform/infra/pins"
)

// clusterName is the EKS cluster's name.
func clusterName(cfg *config.Platform) string { return fmt.Sprintf("%s-%s", cfg.Project, cfg.Stack) }

// clusterArgs are the cluster's Args on the network, all but Scheduled, which the composition sums
// from every component's footprints. The registries are resolved here, once, for the region and
// account: every later component takes them from the cluster (cl.Registries).
func clusterArgs(cfg *config.Platform, env *identity.Env, net *network.Network, tags map[string]string) cluster.Args {
	return cluster.Args{
		Name:             clusterName(cfg),
		Config:           cfg.Cluster,
		NodePools:        cfg.NodePools,
		Services:         cfg.Services,
		Registries:       cfg.Cluster.Registries.Resolve(cfg.Region, env.AccountID),
		Protect:          cfg.Protect,
		Production:       cfg.Environment.ProductionLike(),
		VpcID:            net.VpcID.ToStringOutput(),
		VpcCIDR:          net.VpcCIDR,
		AZs:              net.AZs,
		PrivateSubnetIDs: net.PrivateSubnetIDs,
		NodeSGID:         net.NodeSGID.ToStringOutput(),
		LoadBalancerSGID: net.LoadBalancerSGID.ToStringOutput(),
		Env:              env,
		Tags:             tags,
	}
}

// withCluster adds the cluster's outputs. Call it last: the mirror list holds what every component
// asked for.
func withCluster(outs Outputs, cl *cluster.Cluster) Outputs {
	ns := pulumi.Map{}
	for t, n := range cl.Namespaces.Workloads {
		ns[string(t)] = pulumi.String(n)
	}
	for k, n := range map[string]string{"monitoring": cl.Namespaces.Monitoring, "data": cl.Namespaces.Data,
		"cnpgSystem": cl.Namespaces.CNPGSystem, "certManager": cl.Namespaces.CertManager} {
		ns[k] = pulumi.String(n)
	}
	outs["clusterName"] = cl.ClusterName
	outs["clusterEndpoint"] = cl.Endpoint
	outs["clusterCertificateAuthority"] = cl.CertificateAuthority // public: what kubeconfigs and the integration test need
	outs["kubernetesVersion"] = pulumi.String(cl.KubernetesVersion).ToStringOutput()
	outs["oidcProviderArn"] = cl.OIDCProviderARN
	outs["clusterKmsKeyArn"] = cl.KMSKeyARN
	outs["webAclArn"] = cl.WebACLArn
	outs["ingressClass"] = pulumi.String(cl.IngressClassName).ToStringOutput()
	outs["namespaces"] = ns.ToMapOutput()
	outs["storageClasses"] = pulumi.StringMap{"default": pulumi.String(cl.StorageClasses.Default), "retain": pulumi.String(cl.StorageClasses.Retain)}.ToStringMapOutput()
	outs["registries"] = pulumi.Map{
		"mode":    pulumi.String(string(cl.Registries.EffectiveMode())),
		"mirror":  pulumi.String(cl.Registries.MirrorHost()),
		"allowed": pulumi.ToStringArray(cl.Registries.Allowed(cl.Images())),
	}.ToMapOutput()
	outs["mirrorList"] = pulumi.ToOutput(plainJSON(cl.Registries.MirrorList(pins.Charts, cl.Images())))
	outs["capacity"] = pulumi.ToOutput(plainJSON(cl.Capacity()))
	return outs
}

// plainJSON turns typed data into the plain maps and lists a stack output carries.
func plainJSON(v any) any {
	b, _ := json.Marshal(v) // structs of strings and numbers: Marshal cannot fail
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}
