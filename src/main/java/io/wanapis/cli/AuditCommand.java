package io.wanapis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wanapis audit ...}: read and verify the audit log through the admin API. */
@Command(name = "audit", description = "Read and verify the admin audit log (talks to the admin API).",
    subcommands = {AuditCommand.ListEntries.class, AuditCommand.Verify.class})
public final class AuditCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", description = "Audit entries, oldest first.")
  static final class ListEntries implements Callable<Integer> {
    @Mixin AdminOptions o;
    @Option(names = "--after", defaultValue = "0", description = "Only entries after this sequence number.") long after;
    @Option(names = "--limit", defaultValue = "100", description = "At most this many (max 1000).") int limit;

    @Override
    public Integer call() throws Exception {
      AdminClient.Answer a = o.client().get("/admin/audit?after=" + after + "&limit=" + limit);
      if (!a.ok()) return o.fail(a);
      if (o.json) {
        o.printJson(a.body());
        return 0;
      }
      for (JsonNode e : a.body().path("data")) {
        o.out().printf("%6d %s %-22s %-18s %-8s %s%n", e.path("seq").asLong(), e.path("at").asText(), e.path("actor").asText(),
            e.path("action").asText(), e.path("target_type").asText(), KeysCommand.text(e.path("target_id")));
      }
      if (a.body().path("has_more").asBoolean()) o.out().println("(more: --after " + lastSeq(a.body().path("data")) + ")");
      return 0;
    }

    private static long lastSeq(JsonNode data) {
      return data.isEmpty() ? 0 : data.get(data.size() - 1).path("seq").asLong();
    }
  }

  @Command(name = "verify", description = "Check the hash chain of the whole log; exit status 1 if it was tampered with.")
  static final class Verify implements Callable<Integer> {
    @Mixin AdminOptions o;

    @Override
    public Integer call() throws Exception {
      AdminClient.Answer a = o.client().get("/admin/audit/verify");
      if (!a.ok()) return o.fail(a);
      JsonNode r = a.body();
      boolean ok = r.path("ok").asBoolean();
      if (o.json) {
        o.printJson(r);
      } else if (ok) {
        o.out().println("Audit log intact: " + r.path("entries_checked").asLong() + " entries, hash chain verified.");
      } else {
        o.out().println("AUDIT LOG TAMPERED: " + r.path("problem").asText() + " (first bad entry: " + r.path("first_bad_seq").asText() + ").");
      }
      return ok ? 0 : 1;
    }
  }

}
