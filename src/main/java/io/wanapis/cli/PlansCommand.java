package io.wanapis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wanapis plans ...}: plans (tiers) and their assignment, through the admin API (docs/quotas.md). */
@Command(name = "plans", description = "List, set, delete and assign plans (talks to the admin API).",
    subcommands = {PlansCommand.ListPlans.class, PlansCommand.Set.class, PlansCommand.Delete.class, PlansCommand.Assign.class})
public final class PlansCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", description = "List plans.")
  static final class ListPlans implements Callable<Integer> {
    @Mixin AdminOptions o;

    @Override
    public Integer call() throws Exception {
      AdminClient.Answer a = o.client().get("/admin/plans");
      if (!a.ok()) return o.fail(a);
      if (o.json) {
        o.printJson(a.body());
        return 0;
      }
      o.out().printf("%-14s %-7s %10s %12s %10s %12s %6s %8s %6s %6s%n", "NAME", "SOURCE", "RPM", "TPM", "RPD", "TPD", "CONC", "MAX_TOK",
          "BURST", "WEIGHT");
      for (JsonNode p : a.body().path("data")) {
        o.out().printf("%-14s %-7s %10s %12s %10s %12s %6s %8s %6s %6s%s%n", p.path("name").asText(), p.path("source").asText(),
            v(p, "rpm"), v(p, "tpm"), v(p, "rpd"), v(p, "tpd"), v(p, "max_concurrent"), v(p, "max_tokens"), v(p, "burst"), v(p, "weight"),
            p.path("default").asBoolean() ? "  (default)" : "");
      }
      return 0;
    }

    private static String v(JsonNode p, String f) {
      return p.path(f).isNull() || p.path(f).isMissingNode() ? "-" : p.path(f).asText();
    }
  }

  @Command(name = "set", description = "Create or replace a plan (fields not given are no limit).")
  static final class Set implements Callable<Integer> {
    @Mixin AdminOptions o;
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--rpm") Long rpm;
    @Option(names = "--tpm") Long tpm;
    @Option(names = "--rpd") Long rpd;
    @Option(names = "--tpd") Long tpd;
    @Option(names = "--max-concurrent") Integer maxConcurrent;
    @Option(names = "--max-tokens") Integer maxTokens;
    @Option(names = "--burst", description = "bucket size as a multiple of the per-minute limit (>= 1)") Double burst;
    @Option(names = "--weight", description = "share at a saturated deployment (1-1000)") Integer weight;
    @Option(names = "--description") String description;

    @Override
    public Integer call() throws Exception {
      ObjectNode b = Json.MAPPER.createObjectNode();
      b.put("rpm", rpm).put("tpm", tpm).put("rpd", rpd).put("tpd", tpd).put("max_concurrent", maxConcurrent).put("max_tokens", maxTokens)
          .put("burst", burst).put("weight", weight).put("description", description);
      AdminClient.Answer a = o.client().send("PUT", "/admin/plans/" + name, b);
      if (!a.ok()) return o.fail(a);
      if (o.json) o.printJson(a.body());
      else o.out().println((a.status() == 201 ? "Created" : "Updated") + " plan " + name + ".");
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a plan made over the admin API.")
  static final class Delete implements Callable<Integer> {
    @Mixin AdminOptions o;
    @Parameters(paramLabel = "NAME") String name;

    @Override
    public Integer call() throws Exception {
      AdminClient.Answer a = o.client().send("DELETE", "/admin/plans/" + name, Json.MAPPER.createObjectNode());
      if (!a.ok()) return o.fail(a);
      if (o.json) o.printJson(a.body());
      else o.out().println("Deleted plan " + name + (a.body().path("reverted_to_config").asBoolean() ? " (the config's plan applies again)." : "."));
      return 0;
    }
  }

  @Command(name = "assign", description = "Put a team, project or key on a plan, keeping its other limits.")
  static final class Assign implements Callable<Integer> {
    @Mixin AdminOptions o;
    @Parameters(paramLabel = "PLAN", description = "the plan's name, or 'none' to remove the plan") String plan;

    static final class Target {
      @Option(names = "--team", required = true) String team;
      @Option(names = "--project", required = true) String project;
      @Option(names = "--key", required = true) String key;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Target target;

    @Override
    public Integer call() throws Exception {
      String path = target.team != null ? "/admin/teams/" + target.team
          : target.project != null ? "/admin/projects/" + target.project : "/admin/keys/" + target.key;
      ObjectNode limits;
      if (target.project != null) {
        // projects have no GET by id: find it in the list
        AdminClient.Answer all = o.client().get("/admin/projects");
        if (!all.ok()) return o.fail(all);
        limits = null;
        for (JsonNode p : all.body().path("data")) {
          if (target.project.equals(p.path("id").asText()) || target.project.equals(p.path("name").asText())) {
            limits = (ObjectNode) p.path("limits").deepCopy();
            path = "/admin/projects/" + p.path("id").asText();
          }
        }
        if (limits == null) {
          o.err().println("wanapis: project '" + target.project + "' does not exist");
          return 1;
        }
      } else {
        AdminClient.Answer before = o.client().get(path);
        if (!before.ok()) return o.fail(before);
        limits = (ObjectNode) before.body().path("limits").deepCopy();
      }
      limits.put("plan", "none".equals(plan) ? null : plan);
      // keep what is set, drop the nulls (a PATCH replaces the whole object)
      ObjectNode body = Json.MAPPER.createObjectNode();
      ObjectNode clean = body.putObject("limits");
      limits.fields().forEachRemaining(e -> {
        if (!e.getValue().isNull() && !(e.getValue().isObject() && e.getValue().isEmpty())) clean.set(e.getKey(), e.getValue());
      });
      AdminClient.Answer a = o.client().send("PATCH", path, body);
      if (!a.ok()) return o.fail(a);
      if (o.json) o.printJson(a.body());
      else o.out().println(("none".equals(plan) ? "Removed the plan of " : "Put on plan " + plan + ": ") + path.substring("/admin/".length()) + ".");
      return 0;
    }
  }
}
