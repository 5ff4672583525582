package io.wanapis.catalog;

import java.util.List;

/**
 * One catalog entry: what a model is and what it costs at one provider. Prices are USD per
 * million tokens ({@code cachedInputPerMtok}: prompt-cache reads, {@code cacheWritePerMtok}:
 * prompt-cache writes; both default to the input price when null), or per generated image, or per
 * second of audio. Null means unknown / not applicable.
 *
 * @param mode chat, completion, embedding, image, audio or video
 * @param capabilities any of tools, vision, json_schema, reasoning
 */
public record ModelInfo(
    String id,
    String provider,
    String mode,
    Integer contextWindow,
    Integer maxOutput,
    List<String> capabilities,
    Double inputPerMtok,
    Double outputPerMtok,
    Double cachedInputPerMtok,
    Double cacheWritePerMtok,
    Double perImage,
    Double perSecond) {

  public ModelInfo {
    capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
  }

  /** True when a token-priced request on this model can be priced. */
  public boolean tokenPriced() {
    return inputPerMtok != null || outputPerMtok != null;
  }

  /** This entry with every non-null field of {@code o} laid over it (an operator's partial override). */
  public ModelInfo overlay(ModelInfo o) {
    return new ModelInfo(id, o.provider != null ? o.provider : provider, o.mode != null ? o.mode : mode,
        o.contextWindow != null ? o.contextWindow : contextWindow, o.maxOutput != null ? o.maxOutput : maxOutput,
        o.capabilities.isEmpty() ? capabilities : o.capabilities,
        o.inputPerMtok != null ? o.inputPerMtok : inputPerMtok, o.outputPerMtok != null ? o.outputPerMtok : outputPerMtok,
        o.cachedInputPerMtok != null ? o.cachedInputPerMtok : cachedInputPerMtok,
        o.cacheWritePerMtok != null ? o.cacheWritePerMtok : cacheWritePerMtok,
        o.perImage != null ? o.perImage : perImage, o.perSecond != null ? o.perSecond : perSecond);
  }

  public ModelInfo withId(String newId) {
    return new ModelInfo(newId, provider, mode, contextWindow, maxOutput, capabilities, inputPerMtok, outputPerMtok,
        cachedInputPerMtok, cacheWritePerMtok, perImage, perSecond);
  }
}
