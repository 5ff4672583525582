package io.wanapis.usage;

import io.wanapis.catalog.Catalog;
import io.wanapis.catalog.ModelInfo;
import io.wanapis.catalog.Pricing;
import io.wanapis.config.Settings.DeploymentSpec;
import io.wanapis.providers.InboundCall;
import io.wanapis.providers.Protocol;
import java.util.List;

/**
 * Completes a finished request's record before anyone sees it: team and project of the key, tags,
 * the end user from {@code metadata.user_id} when {@code user} is not set, usage counted by the
 * gateway when the upstream reported none (marked estimated), and the cost priced now from the
 * deployment's own prices or else the catalog entry of the deployment's upstream model.
 * Runs on the event loop: lookups in memory only; the body is parsed only when it mentions
 * metadata or its usage must be estimated.
 */
public final class Metering {
  private final Catalog catalog;
  private final Attribution.Resolver attribution;

  public Metering(Catalog catalog, Attribution.Resolver attribution) {
    this.catalog = catalog;
    this.attribution = attribution;
  }

  public Catalog catalog() { return catalog; }

  public Attribution attribution(String keyId) {
    if (keyId == null) return Attribution.NONE;
    Attribution a = attribution.of(keyId);
    return a == null ? Attribution.NONE : a;
  }

  /**
   * @param call null when the request was refused before its body was read
   * @param spec the deployment that answered, or null
   * @param bytesOut bytes written to the client (for estimating output when nothing was reported)
   */
  public RequestRecord complete(RequestRecord r, InboundCall call, DeploymentSpec spec, long bytesOut) {
    Attribution a = attribution(r.keyId());
    List<String> tags = List.of();
    String user = r.user();
    if (call != null) {
      BodyFields f = BodyFields.mentionsMetadata(call.body(), call.bodyLength()) ? BodyFields.read(call.body(), call.bodyLength()) : BodyFields.NONE;
      tags = Tags.of(call.clientHeaders(), f.metadataTags());
      if (user == null) user = f.metadataUser();
    }
    Usage u = r.usage();
    boolean success = r.status() >= 200 && r.status() < 300;
    if (!u.known() && success && call != null && !r.cacheHit()) {
      boolean anthropic = call.protocol() == Protocol.ANTHROPIC;
      long in = PromptEstimator.count(call.body(), call.bodyLength());
      long out = "embeddings".equals(r.endpoint()) ? 0 : PromptEstimator.outputFromBytes(bytesOut, r.stream(), anthropic);
      u = new Usage(in, out, -1, -1, -1, true);
    }
    double cost = r.cacheHit() ? 0 : Pricing.cost(u, price(spec, r.deployment()));
    return r.withMetering(a.teamId(), a.projectId(), tags, user, u, cost, u.estimated());
  }

  /** The deployment's configured prices when it has any, else the catalog's entry for its upstream model. */
  public ModelInfo price(DeploymentSpec spec, String upstreamModel) {
    ModelInfo fromCatalog = catalog.find(upstreamModel);
    if (spec != null && (spec.inputCostPerMtok() != null || spec.outputCostPerMtok() != null)) {
      ModelInfo own = new ModelInfo(upstreamModel, null, null, null, null, null, spec.inputCostPerMtok(), spec.outputCostPerMtok(),
          null, null, null, null);
      return fromCatalog == null ? own : fromCatalog.overlay(own);
    }
    return fromCatalog;
  }
}
