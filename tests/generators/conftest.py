from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from backend.generators.storage import make_s3_client
from backend.settings import Settings

BUCKET = "workbench-outputs-test"


@pytest.fixture
def s3_client(aws_credentials: None) -> Iterator[Any]:
    """A moto S3 client, configured as production configures it, with an empty bucket."""
    with mock_aws():
        client = make_s3_client(Settings(AWS_REGION="us-east-1"))
        client.create_bucket(Bucket=BUCKET)
        yield client
