package awsfacts

// KMS's kms:ViaService condition names the AWS service that calls KMS on a principal's behalf by
// that service's endpoint, <service>.<region>.amazonaws.com in the aws partition (KMS Developer Guide
// "kms:ViaService": "ec2.us-west-2.amazonaws.com"). The China edition of the guide keeps the same
// text and examples; EC2's endpoint in China is ec2.<region>.amazonaws.com.cn (botocore
// endpoints.json, partition aws-cn, whose default hostname is {service}.{region}.{dnsSuffix}).
// Which of the two names KMS puts in the key for EC2 in China is not stated for China by either
// source, so the program accepts both: the condition is set by KMS, never by the caller, so the
// second name widens nothing.
var kmsViaService = Source{
	Ref:  "docs.amazonaws.cn/en_us/kms/latest/developerguide/conditions-kms.html (kms:ViaService); github.com/boto/botocore botocore/data/endpoints.json partition aws-cn (defaults.hostname, dnsSuffix amazonaws.com.cn)",
	Read: "2026-12-02",
}

// EC2ViaServices are the kms:ViaService values of EC2 (and so EBS) in a region: the endpoint in the
// partition's DNS suffix, and in China also the global-suffix form (kmsViaService).
func EC2ViaServices(region, dnsSuffix string) []string {
	out := []string{"ec2." + region + "." + dnsSuffix}
	if dnsSuffix != "amazonaws.com" {
		out = append(out, "ec2."+region+".amazonaws.com")
	}
	return out
}

// KMSViaServiceSource is where EC2ViaServices was read, for reports.
func KMSViaServiceSource() Source { return kmsViaService }
