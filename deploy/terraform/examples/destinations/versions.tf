terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # One constraint everywhere: 5.26.0 is the first release whose aws_lambda_function (central-admin) accepts
      # runtime = "provided.al2023" (provider CHANGELOG, #34401); 6.x works too.
      version = ">= 5.26.0, < 7.0.0"
    }
  }
}
