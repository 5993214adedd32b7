"""Pulumi provider for Verizon ThingSpace fleet state."""
