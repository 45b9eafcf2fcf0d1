#!/usr/bin/env python3
"""The CDK app: context in, stack out. No AWS calls here, so synth works offline."""

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks

from infra.config import StackConfig
from infra.stack import LambdaDurationsStack


def build_app(app: App) -> LambdaDurationsStack:
    config = StackConfig.from_context(app.node.try_get_context)
    stack = LambdaDurationsStack(app, "LambdaDurations", config=config)
    # Synth fails while any AwsSolutions finding is unacknowledged.
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return stack


if __name__ == "__main__":
    application = App()
    build_app(application)
    application.synth()
