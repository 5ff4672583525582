package io.wanapis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanapis.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wanapis keys ...}: virtual keys through the admin API. */
@Command(name = "keys", description = "Create, list, show, revoke and rotate virtual keys (talks to the admin API).",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Show.class, KeysCommand.Revoke.class,
        KeysCommand.Rotate.class})
public final class KeysCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", description = "Create a key; its secret is printed once.")
  static final class Create implements Callable<Integer> {
    @Mixin AdminOptions o;
    @Option(names = "--name", required = true) String name;
    @Option(names = "--team", description = "Team id or name.") String team;
    @Option(names = "--project", description = "Project id or name.") String project;
    @Option(names = "--owner") String owner;
    @Option(names = "--role", description = "app (default), team_admin or admin.") String role;
    @Option(names = "--models", split = ",", description = "Allowed models: names and globs, e.g. gpt-4o*,openai/* (default: all).") List<String> models;
    @Option(names = "--endpoints", split = ",", description = "chat,completions,embeddings,images,audio,models (default: all).") List<String> endpoints;
    @Option(names = "--expires-at", description = "ISO-8601 time, e.g. 2030-01-31T00:00:00Z.") String expiresAt;
    @Option(names = "--expires-in", description = "A duration like 30d, 12h or 90m.") String expiresIn;
    @Option(names = "--metadata", description = "key=value, repeatable.") Map<String, String> metadata;

    @Override
    public Integer call() throws Exception {
      ObjectNode b = Json.MAPPER.createObjectNode().put("name", name);
      if (team != null) b.put("team", team);
      if (project != null) b.put("project", project);
      if (owner != null) b.put("owner", owner);
      if (role != null) b.put("role", role);
      if (models != null) b.set("models", Json.MAPPER.valueToTree(models));
      if (endpoints != null) b.set("endpoints", Json.MAPPER.valueToTree(endpoints));
      if (expiresAt != null) b.put("expires_at", expiresAt);
      if (expiresIn != null) b.put("expires_at", Instant.now().plus(duration(expiresIn)).toString());
      if (metadata != null) b.set("metadata", Json.MAPPER.valueToTree(metadata));
      AdminClient.Answer a = o.client().send("POST", "/admin/keys", b);
      if (!a.ok()) return o.fail(a);
      if (o.json) {
        o.printJson(a.body());
      } else {
        o.out().println("Created key " + a.body().path("id").asText() + " (" + a.body().path("name").asText() + ").");
        o.out().println("Secret, shown only now; store it safely:");
        o.out().println("  " + a.body().path("key").asText());
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List keys (a team admin sees its own team's).")
  static final class ListKeys implements Callable<Integer> {
    @Mixin AdminOptions o;
    @Option(names = "--team", description = "Only this team (id or name).") String team;

    @Override
    public Integer call() throws Exception {
      AdminClient.Answer a = o.client().get("/admin/keys" + (team == null ? "" : "?team=" + AdminClient.enc(team)));
      if (!a.ok()) return o.fail(a);
      if (o.json) {
        o.printJson(a.body());
        return 0;
      }
      o.out().printf("%-22s %-20s %-16s %-10s %-22s %-8s %s%n", "ID", "NAME", "PREFIX", "ROLE", "TEAM", "STATUS", "EXPIRES");
      for (JsonNode k : a.body().path("data")) {
        o.out().printf("%-22s %-20s %-16s %-10s %-22s %-8s %s%n", k.path("id").asText(), k.path("name").asText(),
            k.path("key_prefix").asText(), k.path("role").asText(), text(k.path("team_id")), k.path("status").asText(),
            text(k.path("expires_at")));
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Show one key.")
  static final class Show implements Callable<Integer> {
    @Mixin AdminOptions o;
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      return printKey(o, o.client().get("/admin/keys/" + AdminClient.enc(id)), null);
    }
  }

  @Command(name = "revoke", description = "Revoke a key; it stops working at once.")
  static final class Revoke implements Callable<Integer> {
    @Mixin AdminOptions o;
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      return printKey(o, o.client().send("POST", "/admin/keys/" + AdminClient.enc(id) + "/revoke", Json.MAPPER.createObjectNode()), "Revoked");
    }
  }

  @Command(name = "rotate", description = "Give a key a new secret; the old one keeps working for the grace period.")
  static final class Rotate implements Callable<Integer> {
    @Mixin AdminOptions o;
    @Parameters(paramLabel = "ID") String id;
    @Option(names = "--grace-seconds", defaultValue = "0", description = "How long the old secret keeps working (default ${DEFAULT-VALUE}).")
    long grace;

    @Override
    public Integer call() throws Exception {
      AdminClient.Answer a = o.client().send("POST", "/admin/keys/" + AdminClient.enc(id) + "/rotate",
          Json.MAPPER.createObjectNode().put("grace_seconds", grace));
      if (!a.ok()) return o.fail(a);
      if (o.json) {
        o.printJson(a.body());
      } else {
        o.out().println("Rotated key " + id + "; the old secret works until " + a.body().path("previous_key_expires_at").asText() + ".");
        o.out().println("New secret, shown only now:");
        o.out().println("  " + a.body().path("key").asText());
      }
      return 0;
    }
  }

  static int printKey(AdminOptions o, AdminClient.Answer a, String verb) {
    if (!a.ok()) return o.fail(a);
    JsonNode k = a.body();
    if (o.json) {
      o.printJson(k);
      return 0;
    }
    if (verb != null) o.out().println(verb + " key " + k.path("id").asText() + ".");
    for (String f : List.of("id", "name", "key_prefix", "role", "team_id", "project_id", "owner", "models", "endpoints", "status",
        "expires_at", "created_at", "last_used_at", "metadata")) {
      JsonNode v = k.path(f);
      o.out().printf("%-13s %s%n", f + ":", v.isValueNode() ? text(v) : v.toString());
    }
    return 0;
  }

  static String text(JsonNode n) {
    return n.isNull() || n.isMissingNode() ? "-" : n.asText();
  }

  static Duration duration(String s) {
    char unit = s.charAt(s.length() - 1);
    long n = Long.parseLong(s.substring(0, s.length() - 1));
    return switch (unit) {
      case 'd' -> Duration.ofDays(n);
      case 'h' -> Duration.ofHours(n);
      case 'm' -> Duration.ofMinutes(n);
      case 's' -> Duration.ofSeconds(n);
      default -> throw new IllegalArgumentException("--expires-in: use a number with d, h, m or s, like 30d");
    };
  }
}
