"""Local mode: the real handlers on Amazon's DynamoDB Local, no AWS account needed."""
