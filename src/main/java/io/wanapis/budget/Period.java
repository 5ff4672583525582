package io.wanapis.budget;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** Budget periods in UTC: calendar day, ISO week (from Monday), calendar month, or all time. */
public enum Period {
  DAY, WEEK, MONTH, TOTAL;

  public String id() { return name().toLowerCase(Locale.ROOT); }

  public static Period parse(String s) {
    String v = s.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "day", "daily" -> DAY;
      case "week", "weekly" -> WEEK;
      case "month", "monthly" -> MONTH;
      case "total", "lifetime", "all" -> TOTAL;
      default -> throw new IllegalArgumentException("budget period must be day, week, month or total, not '" + s + "'");
    };
  }

  /** Epoch millis at which the period containing {@code now} began (0 for TOTAL). */
  public long start(long now) {
    LocalDate d = Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate s = switch (this) {
      case DAY -> d;
      case WEEK -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> d.withDayOfMonth(1);
      case TOTAL -> null;
    };
    return s == null ? 0 : s.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  /** Epoch millis at which the period containing {@code now} ends, or Long.MAX_VALUE for TOTAL. */
  public long end(long now) {
    LocalDate start = Instant.ofEpochMilli(start(now)).atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate e = switch (this) {
      case DAY -> start.plusDays(1);
      case WEEK -> start.plusWeeks(1);
      case MONTH -> start.plusMonths(1);
      case TOTAL -> null;
    };
    return e == null ? Long.MAX_VALUE : e.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }
}
