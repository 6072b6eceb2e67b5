"""Pulumi program that receives payment-gateway webhooks and stores each one exactly once."""
