"""The account, partition and region that the stack deploys into, used to build ARNs."""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class AwsEnvironment:
    """Account, partition and region of the stack, which policies use to scope ARNs instead of a wildcard."""

    account_id: pulumi.Output[str]
    partition: pulumi.Output[str]
    region: str

    @classmethod
    def lookup(cls, region: str) -> "AwsEnvironment":
        """Ask AWS (through the provider's credentials) which account and partition are in use."""
        identity = aws.get_caller_identity_output()
        partition = aws.get_partition_output()
        return cls(account_id=identity.account_id, partition=partition.partition, region=region)

    def arn(self, service: str, resource: str) -> pulumi.Output[str]:
        """Build `arn:<partition>:<service>:<region>:<account>:<resource>`."""
        return pulumi.Output.concat(
            "arn:", self.partition, ":", service, ":", self.region, ":", self.account_id, ":",
            resource,
        )  # fmt: skip
