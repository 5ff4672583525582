package io.wanapis.admin;

import io.wanapis.auth.Principal;
import io.wanapis.keys.KeyGuard;
import io.wanapis.keys.KeyRole;

/**
 * Who may do what on /admin. Master and admin keys: everything. Team admin keys: their own
 * team's projects and keys (never admin keys), nothing global. Application keys: nothing.
 */
final class AdminAccess {
  private AdminAccess() {}

  static void requireAdminArea(Principal p) {
    if (p.role() == KeyRole.APP) throw AdminErrors.appKey(p.keyId());
  }

  static void requireAdmin(Principal p, String what) {
    if (!p.admin()) throw AdminErrors.adminOnly(p.keyId(), what);
  }

  /** The team a caller is confined to, or null for admins. */
  static String teamScope(Principal p) {
    return p.admin() ? null : p.teamId();
  }

  static void requireTeam(Principal p, String teamId) {
    if (!p.admin() && (teamId == null || !teamId.equals(p.teamId()))) {
      throw AdminErrors.otherTeam(p.keyId(), "team " + teamId + " is not its team");
    }
  }

  static KeyGuard keyGuard(Principal p) {
    if (p.admin()) return KeyGuard.NONE;
    return k -> {
      if (k.teamId() == null || !k.teamId().equals(p.teamId())) throw AdminErrors.otherTeam(p.keyId(), "key " + k.id() + " belongs to another team");
      if (k.role() == KeyRole.ADMIN) throw AdminErrors.adminOnly(p.keyId(), "an admin key");
    };
  }
}
