/**
 * The notifications service: live pushes over the WebSocket API to the people an event concerns, a
 * 30-day inbox that replays what a client missed, and a room's availability stream for its
 * subscribers. Everything it deploys is declared in its manifest,
 * `services/notifications/service.json` (its function with the WebSocket routes and the contract's
 * inbox operation, its table of connections and inboxes, and the events it subscribes to); the
 * service module builds it all, and the platform module routes the WebSocket API to it. Nothing here
 * is the notifications service's own beyond that.
 */

locals {
  manifest_path = "${path.module}/../../../services/notifications/service.json"
}

module "service" {
  source = "../service"

  manifest_path = local.manifest_path
  settings      = var.settings
}
