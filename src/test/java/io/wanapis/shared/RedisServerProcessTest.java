package io.wanapis.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedisServerProcessTest {
  @Test
  void startsStopsAndRestartsOnTheSamePort() {
    try (RedisServerProcess redis = RedisServerProcess.start("helper")) {
      int port = redis.port();
      assertThat(redis.ping()).isTrue();
      redis.stop();
      assertThat(redis.ping()).isFalse();
      redis.start();
      assertThat(redis.port()).isEqualTo(port);
      assertThat(redis.ping()).isTrue();
    }
  }
}
