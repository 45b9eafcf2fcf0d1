"""The CDK app's constructs and stack. Imports runtime names from durations.schema, nothing else."""
