"""Runtime code shipped to AWS Lambda: standard library and the runtime's boto3 only."""
