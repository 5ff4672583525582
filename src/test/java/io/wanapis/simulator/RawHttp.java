package io.wanapis.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a bare socket, for tests that must see exactly what goes over the wire (chunks, a connection
 * dropped mid-body) or must drop the connection themselves at a precise moment.
 */
final class RawHttp implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  static RawHttp post(int port, String path, String json, String... headers) throws IOException {
    var raw = new RawHttp(new Socket("127.0.0.1", port));
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    var request = new StringBuilder()
        .append("POST ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(port).append("\r\n")
        .append("Content-Type: application/json\r\n")
        .append("Authorization: Bearer sk-test\r\n")
        .append("Content-Length: ").append(body.length).append("\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    request.append("\r\n");
    raw.socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
    raw.socket.getOutputStream().write(body);
    raw.socket.getOutputStream().flush();
    return raw;
  }

  /** Reads until the server closes the connection; what arrived is then {@link #received()}. */
  String readToEnd(int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        received.write(buffer, 0, n);
      }
    } catch (java.net.SocketException resetByPeer) {
      // an abrupt close may surface as a reset: the bytes read so far are still the answer
    }
    return received();
  }

  /** Reads until {@code marker} has arrived. */
  String readUntil(String marker, int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    byte[] buffer = new byte[8192];
    while (!received().contains(marker)) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new IOException("connection closed before '" + marker + "' arrived: " + received());
      }
      received.write(buffer, 0, n);
    }
    return received();
  }

  /** True when nothing at all arrives within {@code timeoutMs}. */
  boolean silentFor(int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    try {
      int b = in.read();
      if (b >= 0) {
        received.write(b);
      }
      return false;
    } catch (SocketTimeoutException expected) {
      return true;
    }
  }

  String received() {
    return received.toString(StandardCharsets.UTF_8);
  }

  /** The raw bytes received so far (for binary bodies such as Bedrock's event stream). */
  byte[] receivedBytes() {
    return received.toByteArray();
  }

  /** Reads until at least {@code count} bytes have arrived in total. */
  byte[] readBytes(int count, int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    byte[] buffer = new byte[8192];
    while (received.size() < count) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new IOException("connection closed after " + received.size() + " bytes");
      }
      received.write(buffer, 0, n);
    }
    return receivedBytes();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
