package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/suoke-life/suoke-platform/infra"
)

func main() { pulumi.Run(infra.Program) }
