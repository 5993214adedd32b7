//go:build tools

// Package tools pins the Pulumi YAML language host so that `go mod tidy` keeps it. It lives in its
// own module because pulumi-yaml v1.32.0 requires pkg/sdk v3.230.0, older than the CLI's pin.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
