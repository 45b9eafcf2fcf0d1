"""The ingest function, its dead-letter queue and the alarms that say when capture is failing."""

from __future__ import annotations

from aws_cdk import Acknowledgment, ArnFormat, Duration, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from durations.schema import ENV_RECORD_TTL_DAYS, ENV_TABLE_NAME, ENV_WRITE_CONCURRENCY
from infra.runtime_function import RuntimeFunction

# CloudWatch Logs invokes the destination asynchronously. Lambda's own retries (0-2) cover
# passing DynamoDB failures; the event age bound stops a payload from being retried for
# the default 6 hours when the table is unavailable for longer; after either the payload
# goes to the dead-letter queue, where it stays for 14 days.
RETRY_ATTEMPTS = 2
MAX_EVENT_AGE = Duration.hours(6)
DEAD_LETTER_RETENTION = Duration.days(14)
WRITE_CONCURRENCY = 8


class Ingest(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.ITable,
        record_retention_days: int,
        log_retention: logs.RetentionDays,
        alarm_email: str | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letter_queue = sqs.Queue(
            self,
            "DeadLetterQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DEAD_LETTER_RETENTION,
        )
        Validations.of(self.dead_letter_queue).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is the ingest function's on-failure destination: it is the dead-letter queue.",
            )
        )
        runtime = RuntimeFunction(
            self,
            "Ingest",
            handler="durations.ingest_handler.handler",
            description="Parses Lambda REPORT log lines into invocation records",
            environment={
                ENV_TABLE_NAME: table.table_name,
                ENV_RECORD_TTL_DAYS: str(record_retention_days),
                ENV_WRITE_CONCURRENCY: str(WRITE_CONCURRENCY),
            },
            log_retention=log_retention,
            # A 10,000-event payload is 400 batches, 8 at a time; retries back off up to 5 s.
            timeout=Duration.minutes(2),
            memory_size=512,
        )
        self.function = runtime.function
        self.log_group = runtime.log_group
        self.function.configure_async_invoke(
            on_failure=destinations.SqsDestination(self.dead_letter_queue),
            retry_attempts=RETRY_ATTEMPTS,
            max_event_age=MAX_EVENT_AGE,
        )
        # Writes records and catalog entries: nothing else on the table, no other table.
        table.grant(self.function, "dynamodb:BatchWriteItem", "dynamodb:UpdateItem")
        stack = Stack.of(self)
        runtime.role.add_to_policy(
            iam.PolicyStatement(
                actions=["lambda:GetFunctionConfiguration"],
                resources=[
                    stack.format_arn(
                        service="lambda",
                        resource="function",
                        resource_name="*",
                        arn_format=ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            )
        )
        Validations.of(runtime.role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:*]",
                reason=(
                    "Capture covers every function of the account, including ones created after deploy, and cost "
                    "needs each one's architecture: GetFunctionConfiguration (read-only) on this account's and "
                    "Region's functions."
                ),
            )
        )
        self.alarm_topic = self._alarm_topic(alarm_email)
        self.alarms = [
            cloudwatch.Alarm(
                self,
                "DeadLetterAlarm",
                alarm_description="Payloads could not be ingested and wait in the dead-letter queue",
                metric=self.dead_letter_queue.metric_approximate_number_of_messages_visible(
                    period=Duration.minutes(5), statistic="Maximum"
                ),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            ),
            cloudwatch.Alarm(
                self,
                "ErrorsAlarm",
                alarm_description="The ingest function failed (it will retry, then dead-letter)",
                metric=self.function.metric_errors(period=Duration.minutes(5), statistic="Sum"),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            ),
        ]
        if self.alarm_topic is not None:
            for alarm in self.alarms:
                alarm.add_alarm_action(cloudwatch_actions.SnsAction(self.alarm_topic))

    def _alarm_topic(self, alarm_email: str | None) -> sns.Topic | None:
        if not alarm_email:
            return None
        # CloudWatch alarms cannot publish to a topic encrypted with the AWS managed
        # aws/sns key: a customer managed key whose policy lets CloudWatch use it.
        key = kms.Key(self, "AlarmTopicKey", enable_key_rotation=True, description="Encrypts the alarm topic")
        key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        topic = sns.Topic(
            self,
            "AlarmTopic",
            display_name="Lambda durations capture alarms",
            enforce_ssl=True,
            master_key=key,
        )
        topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        return topic
