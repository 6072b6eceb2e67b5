"""moto's DynamoDB server on 127.0.0.1 with the stack's table, for the local runner."""

import socket
import threading
from typing import Any, Final

import boto3
from moto.server import ThreadedMotoServer

from webhook_platform import contract

LOCAL_HOST: Final = "127.0.0.1"
# moto accepts any credentials; fixed fake ones keep boto3 and the SDK from looking for real ones.
FAKE_CREDENTIALS: Final = {
    "aws_access_key_id": "local",
    "aws_secret_access_key": "local",
}
# Maximum wait for moto's server thread to bind its port.
START_TIMEOUT_SECONDS: Final = 10


def start_dynamodb(port: int) -> tuple[ThreadedMotoServer, str]:
    """Start moto's server on 127.0.0.1:`port` (0 picks a free port); return it and its endpoint URL.

    Raises `OSError` naming DYNAMODB_PORT when the port is taken.
    """
    if port != 0:
        _check_port_free(port)

    server = ThreadedMotoServer(ip_address=LOCAL_HOST, port=port, verbose=False)
    # moto 5.2.5 waits without a timeout for its thread to bind, and a failed bind never ends
    # that wait, so start() runs in a thread of its own and is given up on after a while.
    starter = threading.Thread(target=server.start, daemon=True)
    starter.start()
    starter.join(timeout=START_TIMEOUT_SECONDS)
    if starter.is_alive():
        raise OSError(
            f"moto's DynamoDB server did not start on {LOCAL_HOST}:{port} within {START_TIMEOUT_SECONDS} s"
        )

    host, bound_port = server.get_host_and_port()
    return server, f"http://{host}:{bound_port}"


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((LOCAL_HOST, port))
        except OSError as error:
            raise OSError(
                f"DYNAMODB_PORT {port} on {LOCAL_HOST} is in use ({error.strerror}). "
                "Fix: stop the other process, or set DYNAMODB_PORT to a free port (0 picks one)."
            ) from error


def dynamodb_client(endpoint_url: str, region: str) -> Any:
    """Return a boto3 DynamoDB client for the local endpoint, with fake credentials."""
    return boto3.client("dynamodb", region_name=region, endpoint_url=endpoint_url, **FAKE_CREDENTIALS)


def create_table(client: Any, table_name: str) -> None:
    """Create the transactions table with the key schema the stack deploys, on-demand."""
    key_types = {contract.TABLE_PARTITION_KEY: "HASH", contract.TABLE_SORT_KEY: "RANGE"}
    client.create_table(
        TableName=table_name,
        AttributeDefinitions=[
            {"AttributeName": attribute["name"], "AttributeType": attribute["type"]}
            for attribute in contract.TABLE_KEY_ATTRIBUTES
        ],
        KeySchema=[{"AttributeName": name, "KeyType": key_type} for name, key_type in key_types.items()],
        BillingMode="PAY_PER_REQUEST",
    )
