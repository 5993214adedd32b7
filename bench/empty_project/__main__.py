"""No resources: what a `pulumi up` costs before any provider does anything."""
