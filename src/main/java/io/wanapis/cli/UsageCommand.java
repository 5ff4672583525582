package io.wanapis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wanapis usage}: usage and cost reports from the admin API ({@code /admin/usage}), as a table, JSON or CSV. */
@Command(name = "usage", description = "Usage and cost, grouped (talks to the admin API's /admin/usage).")
public final class UsageCommand implements Callable<Integer> {
  @Mixin AdminOptions o;
  @Option(names = "--group-by", defaultValue = "model", split = ",",
      description = "Any of key, team, project, model, routed_model, provider, deployment, tag, user, variant, endpoint, hour, day, month (comma-separated).")
  List<String> groupBy;
  @Option(names = "--from", description = "Start: ISO instant, YYYY-MM-DD or epoch ms (default: 30 days ago).") String from;
  @Option(names = "--to", description = "End (exclusive), same forms.") String to;
  @Option(names = "--key", description = "Only this key id.") String key;
  @Option(names = "--team", description = "Only this team id.") String team;
  @Option(names = "--project", description = "Only this project id.") String project;
  @Option(names = "--csv", description = "Print CSV (the admin API's text/csv answer).") boolean csv;

  @Override
  public Integer call() throws Exception {
    StringBuilder q = new StringBuilder("/admin/usage?group_by=").append(AdminClient.enc(String.join(",", groupBy)));
    for (String[] p : new String[][] {{"from", from}, {"to", to}, {"key", key}, {"team", team}, {"project", project}}) {
      if (p[1] != null) q.append('&').append(p[0]).append('=').append(AdminClient.enc(p[1]));
    }
    if (csv) q.append("&format=csv");
    AdminClient.Answer a = o.client().get(q.toString());
    if (!a.ok()) return o.fail(a);
    if (csv) {
      o.out().print(a.body().path("raw").asText());
      o.out().flush();
      return 0;
    }
    if (o.json) {
      o.printJson(a.body());
      return 0;
    }
    List<String> dims = new ArrayList<>();
    a.body().path("group_by").forEach(d -> dims.add(d.asText()));
    StringBuilder header = new StringBuilder();
    for (String d : dims) header.append(String.format("%-28s ", d));
    o.out().println(header + String.format("%9s %7s %12s %12s %12s %10s %10s", "requests", "errors", "tokens_in", "tokens_out", "cost_usd", "p50_ms", "p95_ms"));
    for (JsonNode g : a.body().path("data")) row(dims, g);
    JsonNode t = a.body().path("total");
    o.out().println("total: " + t.path("requests").asLong() + " requests, " + t.path("errors").asLong() + " errors, "
        + t.path("tokens_in").asLong() + " tokens in, " + t.path("tokens_out").asLong() + " tokens out, $"
        + String.format(java.util.Locale.ROOT, "%.6f", t.path("cost_usd").asDouble()));
    return 0;
  }

  private void row(List<String> dims, JsonNode g) {
    StringBuilder sb = new StringBuilder();
    for (String d : dims) sb.append(String.format("%-28s ", g.path(d).asText()));
    o.out().println(sb + String.format(java.util.Locale.ROOT, "%9d %7d %12d %12d %12.6f %10s %10s", g.path("requests").asLong(),
        g.path("errors").asLong(), g.path("tokens_in").asLong(), g.path("tokens_out").asLong(), g.path("cost_usd").asDouble(),
        g.path("latency_ms_p50").asText(), g.path("latency_ms_p95").asText()));
  }
}
