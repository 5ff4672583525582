package io.wanapis.providers.bedrock;

import io.wanapis.config.Settings;
import io.vertx.core.MultiMap;
import java.net.URI;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * SigV4 signing of Bedrock requests with AWS's own signer ({@code http-auth-aws}, the smallest
 * AWS artifact that signs: no SDK client, no CRT). Adds Authorization, X-Amz-Date,
 * x-amz-content-sha256 (and X-Amz-Security-Token for session credentials) to the headers.
 */
final class BedrockSigner {
  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
  private final AwsCredentialsIdentity identity;
  private final String region;

  BedrockSigner(Settings.AwsCredentials creds, String region) {
    this.identity = creds.sessionToken() != null
        ? AwsSessionCredentialsIdentity.create(creds.accessKeyId(), creds.secretAccessKey(), creds.sessionToken())
        : AwsCredentialsIdentity.create(creds.accessKeyId(), creds.secretAccessKey());
    this.region = region == null ? "us-east-1" : region;
  }

  void sign(String url, MultiMap headers, byte[] body) {
    SdkHttpRequest.Builder req = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create(url));
    for (Map.Entry<String, String> h : headers) req.appendHeader(h.getKey(), h.getValue());
    SignedRequest signed = SIGNER.sign(r -> r.identity(identity)
        .request(req.build())
        .payload(ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region));
    for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
      String name = h.getKey();
      if (name.equalsIgnoreCase("host")) continue; // the HTTP client sets it from the URL
      headers.set(name, h.getValue().get(0));
    }
  }
}
