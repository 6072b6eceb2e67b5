"""The Standard Webhooks signing secret: taken from the configuration or generated once per stack."""

import pulumi
import pulumi_random as random

from webhook_platform.settings import StackSettings

# Standard Webhooks secrets are 24 to 64 random bytes; 32 matches the HMAC-SHA256 block of work.
GENERATED_SECRET_BYTES = 32


class SigningSecret(pulumi.ComponentResource):
    """The secrets the function accepts, current first, always as Pulumi secrets.

    With `webhookSigningSecret` unset, a random 32-byte secret is generated and kept in the stack
    state, so it stays the same across updates. Share it with the gateway from the stack output.
    """

    def __init__(
        self,
        name: str,
        *,
        settings: StackSettings,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("webhook-platform:security:SigningSecret", name, None, opts)

        configured = settings.signing_secrets
        if settings.webhook_signing_secret is not None:
            self.generated = None
            self.current = pulumi.Output.secret(configured[0])
        else:
            self.generated = random.RandomBytes(
                f"{name}-bytes",
                length=GENERATED_SECRET_BYTES,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.current = pulumi.Output.secret(pulumi.Output.concat("whsec_", self.generated.base64))

        previous = configured[1:] if settings.webhook_signing_secret is not None else configured
        self.accepted = pulumi.Output.secret(pulumi.Output.all(self.current, *previous).apply(",".join))

        self.register_outputs({"current": self.current})
