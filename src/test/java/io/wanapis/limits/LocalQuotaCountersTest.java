package io.wanapis.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanapis.limits.QuotaCounters.Take;
import io.wanapis.limits.QuotaCounters.Window;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalQuotaCountersTest {
  @Test
  void aDailyCounterResetsAtMidnightUtcAndSaysWhenItWill() {
    AtomicLong now = new AtomicLong(Instant.parse("2026-11-25T23:59:58Z").toEpochMilli());
    LocalQuotaCounters c = new LocalQuotaCounters(now::get);
    Window day = Window.perDay(2);
    assertThat(c.takeNow("k", day, 1).granted()).isTrue();
    assertThat(c.takeNow("k", day, 1).remaining()).isZero();
    Take refused = c.takeNow("k", day, 1);
    assertThat(refused.granted()).isFalse();
    assertThat(refused.retryNanos()).isEqualTo(2_000_000_000L); // two seconds to 00:00 UTC
    now.set(Instant.parse("2026-11-26T00:00:00Z").toEpochMilli());
    assertThat(c.takeNow("k", day, 2).granted()).isTrue();
  }

  @Test
  void adjustSettlesAndRollsBackAndALimitChangeAppliesAtOnce() {
    LocalQuotaCounters c = new LocalQuotaCounters();
    Window tpm = Window.perMinute(1000, 1.0);
    assertThat(c.takeNow("t", tpm, 800).granted()).isTrue();
    assertThat(c.takeNow("t", tpm, 300).granted()).isFalse(); // all or nothing: nothing taken
    c.adjust("t", tpm, -700); // the request used 100 of its 800
    assertThat(c.takeNow("t", tpm, 800).granted()).isTrue();
    c.adjust("t", tpm, 500); // a request used 500 more than it reserved: the bucket goes below zero
    assertThat(c.takeNow("t", tpm, 1).granted()).isFalse();
    Window raised = Window.perMinute(100_000, 1.0);
    assertThat(c.takeNow("t", raised, 50_000).granted()).isTrue();
    Window burst = Window.perMinute(10, 3.0);
    assertThat(burst.capacity()).isEqualTo(30);
    assertThat(c.takeNow("b", burst, 30).granted()).isTrue();
  }

  @Test
  void concurrencyNeverGoesPastItsMaximum() {
    LocalQuotaCounters c = new LocalQuotaCounters();
    assertThat(c.enter("c", 2, "r1", 1000).result().granted()).isTrue();
    assertThat(c.enter("c", 2, "r2", 1000).result().remaining()).isZero();
    assertThat(c.enter("c", 2, "r3", 1000).result().granted()).isFalse();
    c.leave("c", "r1");
    assertThat(c.enter("c", 2, "r3", 1000).result().granted()).isTrue();
    c.leave("c", "r2");
    c.leave("c", "r3");
    c.leave("c", "r3"); // an extra leave cannot make room for more than the maximum
    assertThat(c.inside("c")).isZero();
  }

  @Test
  void anAbsurdlyLargeLimitIsClampedNotAnError() {
    LocalQuotaCounters c = new LocalQuotaCounters();
    Window huge = Window.perMinute(100_000_000_000_000L, 1.0);
    assertThat(c.takeNow("h", huge, 1_000_000).granted()).isTrue();
    c.adjust("h", huge, -5);
  }
}
