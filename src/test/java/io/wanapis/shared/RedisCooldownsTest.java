package io.wanapis.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.wanapis.config.RedisSettings;
import io.wanapis.routing.DeploymentState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A deployment put in cooldown on one instance is skipped by another (two links, one real redis-server). */
class RedisCooldownsTest {
  @Test
  void cooldownOpenedOnOneInstanceIsSkippedOnTheOther() {
    try (RedisServerProcess redis = RedisServerProcess.start("cooldowns")) {
      Vertx va = Vertx.vertx();
      Vertx vb = Vertx.vertx();
      SharedRedis a = SharedRedis.start(va, new RedisSettings(redis.url(), true, 250));
      SharedRedis b = SharedRedis.start(vb, new RedisSettings(redis.url(), true, 250));
      try {
        DeploymentState sa = new DeploymentState();
        DeploymentState sb = new DeploymentState();
        new RedisCooldowns(a, sa);
        new RedisCooldowns(b, sb);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.up() && b.up());
        assertThat(sb.health("sim/gpt-4o-mini").tryEnter(System.nanoTime())).isTrue();

        sa.health("sim/gpt-4o-mini").failed(System.nanoTime(), 30, 3, 5, "rate_limited"); // a 429 with retry-after: 30
        await().atMost(Duration.ofSeconds(1)).until(() -> sb.health("sim/gpt-4o-mini").isOpen());
        var hb = sb.health("sim/gpt-4o-mini");
        assertThat(hb.tryEnter(System.nanoTime())).isFalse();
        assertThat(hb.openByRetryAfter()).isTrue();
        assertThat(hb.lastFailure()).isEqualTo("rate_limited");
        assertThat(hb.remainingCooldownNanos(System.nanoTime())).isBetween(25_000_000_000L, 30_000_000_000L);
        // the announcing instance does not re-apply its own message; other deployments are untouched
        assertThat(sb.health("sim/other").isOpen()).isFalse();
      } finally {
        a.close();
        b.close();
        va.close().await();
        vb.close().await();
      }
    }
  }
}
