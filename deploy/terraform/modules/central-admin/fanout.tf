# Fan-out (enable_fanout): one work message per account, worked off by the same function through an SQS event source;
# a results queue where workers report their accounts for the sweep's one digest.

resource "aws_sqs_queue" "dead_letter" {
  count = var.enable_fanout ? 1 : 0

  name                      = "${var.name}-work-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_sqs_queue" "work" {
  count = var.enable_fanout ? 1 : 0

  name = "${var.name}-work"
  # AWS advises at least six times the function timeout so a retried batch is not delivered twice at once.
  visibility_timeout_seconds = var.timeout * 6
  message_retention_seconds  = 345600
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[0].arn
    maxReceiveCount     = var.fanout_max_receive_count
  })
  tags = var.tags
}

# Each worker reports its account here; the sweep's delayed digest item gathers the reports and publishes one digest
# (docs/alerts.md). A day's retention outlives EngineOptions.DigestHorizon (6 h 15 min: a digest item comes back for at
# most 21 rounds at SQS's longest delay, plus an hour), past which a digest deletes a report as another sweep's.
resource "aws_sqs_queue" "results" {
  count = var.enable_fanout ? 1 : 0

  name                      = "${var.name}-results"
  message_retention_seconds = 86400
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

# A batch of up to 10 needs no batching window (Lambda's default of 0 s): it goes out as soon as it is polled, and
# one invocation sweeps its accounts together (docs/lambda.md).
resource "aws_lambda_event_source_mapping" "work" {
  count = var.enable_fanout ? 1 : 0

  event_source_arn        = aws_sqs_queue.work[0].arn
  function_name           = aws_lambda_function.rotator.arn
  batch_size              = var.fanout_batch_size
  function_response_types = ["ReportBatchItemFailures"]

  # Never more pollers than reserved copies of the function: a throttled invocation would still count as a
  # receive and push unprocessed messages towards the dead-letter queue.
  dynamic "scaling_config" {
    for_each = module.settings.fanout_maximum_concurrency == null ? [] : [module.settings.fanout_maximum_concurrency]

    content {
      maximum_concurrency = scaling_config.value
    }
  }
}
