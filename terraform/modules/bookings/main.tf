/**
 * The bookings service: rooms by type, bookings with a computed price that never overlap,
 * Idempotency-Key, reschedule, cancel and an audit trail, and a users directory projected from the
 * users events. Everything it deploys is declared in its manifest, `services/bookings/service.json`
 * (its function, table, cursor secret and the users events it subscribes to); the service module
 * builds it all. Nothing here is the bookings service's own beyond that.
 */

locals {
  manifest_path = "${path.module}/../../../services/bookings/service.json"
}

module "service" {
  source = "../service"

  manifest_path = local.manifest_path
  settings      = var.settings
}
