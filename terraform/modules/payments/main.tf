/**
 * The payments service: the emulated charge of each new booking, taken from an SQS queue with
 * retries and a dead-letter queue, the refund of a payment whose booking no longer wants it, and the
 * payments reads. Everything it deploys is declared in its manifest, `services/payments/service.json`
 * (its function, table, the `charges` queue subscription to booking.created and the
 * `booking-outcomes` subscription); the service module builds it all, the queue, its dead-letter
 * queue, policy, event source mapping and alarms included. Nothing here is the payments service's
 * own beyond that.
 */

locals {
  manifest_path = "${path.module}/../../../services/payments/service.json"
}

module "service" {
  source = "../service"

  manifest_path = local.manifest_path
  settings      = var.settings
}
