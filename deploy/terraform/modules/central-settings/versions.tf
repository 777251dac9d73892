terraform {
  # No provider: everything here is computed from the inputs, so the tests evaluate it with terraform offline.
  required_version = ">= 1.5"
}
