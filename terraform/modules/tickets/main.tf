/**
 * The tickets service: tickets with a status workflow, optimistic concurrency and role-scoped
 * lists, and a users directory projected from the users events. Everything it deploys is declared
 * in its manifest, `services/tickets/service.json` (its function, table, cursor secret and the
 * users events it subscribes to); the service module builds it all. Nothing here is the tickets
 * service's own beyond that.
 */

locals {
  manifest_path = "${path.module}/../../../services/tickets/service.json"
}

module "service" {
  source = "../service"

  manifest_path = local.manifest_path
  settings      = var.settings
}
