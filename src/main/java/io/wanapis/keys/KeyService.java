package io.wanapis.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.wanapis.store.Actor;
import io.wanapis.store.AuditEvent;
import io.wanapis.store.JdbcStore;
import io.wanapis.store.KeySecretRow;
import io.wanapis.store.Store;
import io.wanapis.store.StoreException;
import io.wanapis.store.StoreExecutor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key administration: every change is written to the store (with its audit entry, in one
 * transaction) on the store's worker pool, then applied to this instance's {@link KeyCache} and
 * announced to other instances. If the store write fails nothing changes anywhere.
 */
public final class KeyService {
  private static final Logger log = LoggerFactory.getLogger(KeyService.class);

  /** A new or rotated key with its secret: the only time the secret exists outside the client. */
  public record IssuedKey(VirtualKey key, String secret, Long previousSecretsValidUntil) {}

  private final Store store;
  private final StoreExecutor executor;
  private final KeyCache cache;
  private final KeyChanges changes;
  private final JdbcStore.Clock clock;
  private final String instanceId = UUID.randomUUID().toString();

  public KeyService(Store store, StoreExecutor executor, KeyCache cache, KeyChanges changes, JdbcStore.Clock clock) {
    this.store = store;
    this.executor = executor;
    this.cache = cache;
    this.changes = changes;
    this.clock = clock;
    changes.subscribe(c -> {
      if (!instanceId.equals(c.origin())) reload(c.keyId());
    });
  }

  public KeyCache cache() { return cache; }

  /** Blocking: fills the cache with every key. Called once at start, before serving. */
  public void loadAll() {
    long now = clock.millis();
    cache.load(store.listKeys(null), store.liveSecrets(now));
  }

  /** Re-reads one key from the store (another instance changed it). */
  public Future<Void> reload(String keyId) {
    return executor.run(() -> {
      Optional<VirtualKey> k = store.findKey(keyId);
      k.ifPresent(key -> cache.put(key, store.liveSecrets(keyId, clock.millis())));
      return null;
    }).<Void>mapEmpty().onFailure(e -> log.warn("could not reload key {} after a change: {}", keyId, e.getMessage()));
  }

  public Future<IssuedKey> create(Actor actor, KeyDraft d, KeyGuard guard) {
    return executor.run(() -> {
      long now = clock.millis();
      Refs refs = resolve(d.teamRef(), d.projectRef());
      if (d.role() != KeyRole.ADMIN && d.role() != KeyRole.APP && refs.teamId() == null) {
        throw new IllegalArgumentException("a team_admin key needs a team");
      }
      if (d.expiresAt() != null && d.expiresAt() <= now) throw new IllegalArgumentException("expires_at is in the past");
      String secret = KeySecrets.generate();
      VirtualKey key = new VirtualKey(KeySecrets.newId("key"), d.name(), KeySecrets.displayPrefix(secret), d.role(), refs.teamId(),
          refs.projectId(), d.owner(), List.copyOf(d.models()), KeyEndpoints.validate(d.endpoints()), KeyStatus.ACTIVE,
          d.expiresAt(), now, now, null, d.metadata() == null ? Map.of() : d.metadata(), d.limits() == null ? Limits.NONE : d.limits());
      guard.check(key);
      String hash = KeySecrets.hash(secret);
      store.createKey(key, hash, new AuditEvent(actor, "key.create", "key", key.id(), null, KeyViews.key(key, now)));
      applied(key, List.of(new KeySecretRow(hash, key.id(), now, null)));
      return new IssuedKey(key, secret, null);
    });
  }

  public Future<VirtualKey> update(Actor actor, String id, KeyPatch p, KeyGuard guard) {
    return executor.run(() -> {
      VirtualKey before = existing(id);
      guard.check(before);
      long now = next(before);
      String projectId = before.projectId();
      if (p.projectSet()) projectId = p.projectRef() == null ? null : resolveProject(p.projectRef(), before.teamId());
      VirtualKey after = new VirtualKey(before.id(), p.name() != null ? p.name() : before.name(), before.displayPrefix(),
          p.role() != null ? p.role() : before.role(), before.teamId(), projectId, p.ownerSet() ? p.owner() : before.owner(),
          p.models() != null ? List.copyOf(p.models()) : before.models(),
          p.endpoints() != null ? KeyEndpoints.validate(p.endpoints()) : before.endpoints(), before.status(),
          p.expiresSet() ? p.expiresAt() : before.expiresAt(), before.createdAt(), now, before.lastUsedAt(),
          p.metadata() != null ? p.metadata() : before.metadata(), p.limits() != null ? p.limits() : before.limits());
      if (after.role() == KeyRole.TEAM_ADMIN && after.teamId() == null) throw new IllegalArgumentException("a team_admin key needs a team");
      guard.check(after);
      store.updateKey(after, audit(actor, "key.update", before, after, now));
      applied(after, store.liveSecrets(id, now));
      return after;
    });
  }

  public Future<VirtualKey> revoke(Actor actor, String id, KeyGuard guard) {
    return executor.run(() -> {
      VirtualKey before = existing(id);
      guard.check(before);
      long now = next(before);
      VirtualKey after = before.withStatus(KeyStatus.REVOKED, now);
      store.updateKey(after, audit(actor, "key.revoke", before, after, now));
      applied(after, store.liveSecrets(id, now));
      return after;
    });
  }

  /**
   * A new secret that works at once; the key's other secrets keep working for {@code graceSeconds}
   * (0: they stop now). Permissions, id and history stay with the key.
   */
  public Future<IssuedKey> rotate(Actor actor, String id, long graceSeconds, KeyGuard guard) {
    return executor.run(() -> {
      if (graceSeconds < 0) throw new IllegalArgumentException("grace_seconds must not be negative");
      VirtualKey before = existing(id);
      guard.check(before);
      if (before.status() == KeyStatus.REVOKED) {
        throw new StoreException(StoreException.Kind.CONFLICT, "key " + id + " is revoked; create a new key instead", null);
      }
      long now = next(before);
      String secret = KeySecrets.generate();
      VirtualKey after = new VirtualKey(before.id(), before.name(), KeySecrets.displayPrefix(secret), before.role(), before.teamId(),
          before.projectId(), before.owner(), before.models(), before.endpoints(), before.status(), before.expiresAt(),
          before.createdAt(), now, before.lastUsedAt(), before.metadata(), before.limits());
      long oldUntil = now + graceSeconds * 1000;
      AuditEvent ev = audit(actor, "key.rotate", before, after, now);
      ((ObjectNode) ev.after()).put("previous_secrets_valid_until", KeyViews.iso(oldUntil));
      store.rotateKey(after, KeySecrets.hash(secret), oldUntil, ev);
      applied(after, store.liveSecrets(id, now));
      return new IssuedKey(after, secret, oldUntil);
    });
  }

  public Future<VirtualKey> get(String id, KeyGuard guard) {
    return executor.run(() -> {
      VirtualKey k = existing(id);
      guard.check(k);
      return k;
    });
  }

  public Future<List<VirtualKey>> list(String teamIdOrNull) {
    return executor.run(() -> store.listKeys(teamIdOrNull));
  }

  private void applied(VirtualKey key, List<KeySecretRow> secrets) {
    cache.put(key, secrets);
    try {
      changes.publish(new KeyChanges.Change(key.id(), instanceId));
    } catch (RuntimeException e) {
      // The write is committed and this instance has it; others catch up on their next reload.
      log.warn("could not announce the change of key {} to other instances: {}", key.id(), e.getMessage());
    }
  }

  private VirtualKey existing(String id) {
    return store.findKey(id).orElseThrow(() -> new StoreException(StoreException.Kind.NOT_FOUND, "key '" + id + "' does not exist", null));
  }

  /** A time strictly after the key's last change, so caches can order versions by it. */
  private long next(VirtualKey before) {
    return Math.max(clock.millis(), before.updatedAt() + 1);
  }

  private static AuditEvent audit(Actor actor, String action, VirtualKey before, VirtualKey after, long now) {
    return new AuditEvent(actor, action, "key", after.id(), KeyViews.key(before, now), KeyViews.key(after, now));
  }

  private record Refs(String teamId, String projectId) {}

  private Refs resolve(String teamRef, String projectRef) {
    String teamId = null;
    if (teamRef != null) {
      teamId = store.findTeam(teamRef).orElseThrow(() -> new IllegalArgumentException("team '" + teamRef + "' does not exist")).id();
    }
    String projectId = null;
    if (projectRef != null) {
      var project = store.findProject(projectRef, teamId)
          .orElseThrow(() -> new IllegalArgumentException("project '" + projectRef + "' does not exist" + (teamRef == null ? "" : " in team '" + teamRef + "'")));
      if (teamId != null && !teamId.equals(project.teamId())) {
        throw new IllegalArgumentException("project '" + projectRef + "' belongs to another team");
      }
      teamId = project.teamId();
      projectId = project.id();
    }
    return new Refs(teamId, projectId);
  }

  private String resolveProject(String ref, String teamId) {
    var project = store.findProject(ref, teamId).orElseThrow(() -> new IllegalArgumentException("project '" + ref + "' does not exist"));
    if (teamId == null || !teamId.equals(project.teamId())) throw new IllegalArgumentException("project '" + ref + "' is not in the key's team");
    return project.id();
  }
}
