package io.wanapis.shared;

import io.wanapis.routing.DeploymentState;
import java.util.UUID;

/**
 * Deployment cooldowns shared over Redis pub/sub (channel {@code wanapis:cooldowns}): when one
 * instance opens a deployment's breaker (a 429 with retry-after, or too many failures in a row),
 * the others open theirs for the same time, so they skip the deployment instead of each
 * rediscovering the failure. Best effort: a message lost while Redis is down only means the other
 * instances find out by themselves, as a single instance does.
 */
public final class RedisCooldowns {
  static final String CHANNEL = "wanapis:cooldowns";
  private final String origin = UUID.randomUUID().toString();

  public RedisCooldowns(SharedRedis redis, DeploymentState state) {
    redis.subscribe(CHANNEL, msg -> {
      // origin \n label \n millis \n retryAfter(0|1) \n code
      String[] f = msg.split("\n", 5);
      if (f.length < 5 || origin.equals(f[0])) return;
      try {
        state.cooldownElsewhere(f[1], Long.parseLong(f[2]), f[4].isEmpty() ? null : f[4], "1".equals(f[3]));
      } catch (NumberFormatException ignored) {
        // not ours
      }
    });
    state.announceCooldowns((label, millis, code, byRetryAfter) -> {
      if (redis.up()) redis.publish(CHANNEL, origin + "\n" + label + "\n" + millis + "\n" + (byRetryAfter ? "1" : "0") + "\n"
          + (code == null ? "" : code));
    });
  }
}
